import { describe, expect, it } from 'vitest';
import { choice, defineSettings, integer, millis } from './settings.ts';

const example = defineSettings(
  {
    timeoutMs: millis({ help: 'how long', default: 1000, min: 100 }),
    level: choice(['one', 'all'], { help: 'which', default: 'one', variants: true }),
    heapMb: integer({ help: 'heap', default: 512, min: 256, max: 1024, unit: 'MB' }),
    n: integer({ help: 'replicas', default: 3, min: 1, flag: 'n' }),
  },
  { prefix: 'ex' },
);

describe('a settings declaration', () => {
  it('fills in every default, and keeps what is given', () => {
    expect(example.parse()).toEqual({ timeoutMs: 1000, level: 'one', heapMb: 512, n: 3 });
    expect(example.parse({ timeoutMs: '0.5s', level: 'all' })).toMatchObject({
      timeoutMs: 500,
      level: 'all',
    });
    expect(example.parse({ heapMb: '300' }).heapMb).toBe(300);
  });

  it('names the flag and the bound in one line when a value is out of bounds', () => {
    expect(() => example.parse({ timeoutMs: 50 })).toThrow(
      new Error('--ex-timeout: must be at least 100 ms'),
    );
    expect(() => example.parse({ heapMb: 2048 })).toThrow(
      new Error('--ex-heap: must be at most 1024 MB'),
    );
    expect(() => example.parse({ n: 1.5 })).toThrow(new Error('--n: must be a whole number'));
    expect(() => example.parse({ level: 'some' })).toThrow(
      new Error('--ex-level: unknown value "some"; valid: one, all'),
    );
    expect(() => example.parse({ timeoutMs: 'soon' })).toThrow(
      /^--ex-timeout: "soon" is not a delay/,
    );
    expect(() => example.parse({ timeoutMs: 1 })).toThrow('--ex-timeout: must be at least 100 ms');
    expect(() => example.parse({})).not.toThrow();
  });

  it('gives each setting a flag: the prefix and the name without its unit, unless it names its own', () => {
    expect(example.flags().map((f) => f.flag)).toEqual(['ex-timeout', 'ex-level', 'ex-heap', 'n']);
  });

  it('writes one table row per setting, with its default and what it accepts', () => {
    const rows = example.table().split('\n');
    expect(rows).toHaveLength(2 + 4);
    expect(rows).toContain('| `--ex-timeout <ms>` | 1000 | 100 ms or more | how long |');
    expect(rows).toContain('| `--ex-heap <n>` | 512 | 256–1024 MB | heap |');
    expect(rows).toContain('| `--ex-level <value>` | one | any of one or all | which |');
  });
});

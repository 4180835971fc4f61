import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/temp-dirs.ts';
import { HintStore } from './hints.ts';
import type { Version } from './vclock.ts';

const version = (value: unknown, counter: number, seen = 0): Version => ({
  value,
  dot: { node: 'n1#1', counter },
  context: { vv: seen ? { 'n1#1': seen } : {} },
});

describe('hint store (hinted handoff)', () => {
  it('holds versions per owner, answers reads of a key with every owner’s, and survives a restart', async () => {
    const dir = tempDir('fl-hints-');
    const hints = await HintStore.open(dir, 'always', 10);
    await hints.add('n4', 'k', [version('a', 1)]);
    await hints.add('n5', 'k', [version('b', 2)]);
    await hints.add('n4', 'j', [version('c', 3)]);
    expect(hints.of('k').map((v) => v.value)).toEqual(['a', 'b']);
    expect(Object.fromEntries(hints.byOwner())).toEqual({ n4: ['k', 'j'], n5: ['k'] });
    expect(hints.stats()).toEqual({ pending: 3, recovered: 0, created: 3, delivered: 0 });
    await hints.close();

    const again = await HintStore.open(dir, 'always', 10);
    expect(again.stats()).toEqual({ pending: 3, recovered: 3, created: 0, delivered: 0 });
    expect(again.get('n5', 'k').map((v) => v.value)).toEqual(['b']);
    await again.close();
  });

  it('a write for the owner merges into its hint; the hint goes only when what was handed off is all it holds', async () => {
    const hints = await HintStore.open(tempDir('fl-hints-'), 'never', 10);
    await hints.add('n4', 'k', [version('a', 1)]);
    const sent = hints.get('n4', 'k');
    await hints.add('n4', 'k', [version('b', 2, 1)]); // supersedes a: still one hint
    expect(hints.get('n4', 'k').map((v) => v.value)).toEqual(['b']);
    expect(await hints.handedOff('n4', 'k', sent)).toBe(false);
    expect(await hints.handedOff('n4', 'k', hints.get('n4', 'k'))).toBe(true);
    expect(hints.of('k')).toEqual([]);
    // recovered + created = delivered + pending
    expect(hints.stats()).toEqual({ pending: 0, recovered: 0, created: 1, delivered: 1 });
    await hints.close();
  });

  it('a delivered hint stays gone after a restart', async () => {
    const dir = tempDir('fl-hints-');
    const hints = await HintStore.open(dir, 'always', 10);
    await hints.add('n4', 'k', [version('a', 1)]);
    await hints.handedOff('n4', 'k', hints.get('n4', 'k'));
    await hints.close();
    const again = await HintStore.open(dir, 'always', 10);
    expect(again.stats().pending).toBe(0);
    expect(again.of('k')).toEqual([]);
    await again.close();
  });
});

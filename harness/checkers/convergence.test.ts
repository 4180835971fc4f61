import { describe, expect, it } from 'vitest';
import { history, op } from '../../test/histories.ts';
import { checkConvergence } from './convergence.ts';

const replica = (
  node: string,
  key: string,
  value: unknown,
  type: 'ok' | 'fail' = 'ok',
  extra = {},
) => op(5, 'read', key, null, type, value, { final: 'replica', node, ...extra });

describe('convergence checker', () => {
  it('passes when every replica holds the same values', () => {
    const h = history(
      ...replica('n1', 'k', 1),
      ...replica('n2', 'k', 1),
      ...replica('n1', 'j', [2, 3], 'ok', { siblings: true }),
      ...replica('n2', 'j', [3, 2], 'ok', { siblings: true }),
    );
    expect(checkConvergence(h)).toMatchObject({ valid: true, keys: 2, diverged: 0 });
  });

  it('flags replicas that disagree, naming each replica', () => {
    const h = history(
      ...replica('n1', 'k', 1),
      ...replica('n2', 'k', 2),
      ...replica('n3', 'k', null),
    );
    const result = checkConvergence(h);
    expect(result).toMatchObject({ valid: false, diverged: 1 });
    expect((result.examples as { replicas: unknown }[])[0]!.replicas).toEqual({
      n1: [1],
      n2: [2],
      n3: [],
    });
  });

  it('is unknown when a replica could not be read, or with no replica reads', () => {
    expect(
      checkConvergence(history(...replica('n1', 'k', 1), ...replica('n2', 'k', null, 'fail')))
        .valid,
    ).toBe('unknown');
    expect(checkConvergence(history(...op(0, 'read', 'k', null, 'ok', 1))).valid).toBe('unknown');
  });
});

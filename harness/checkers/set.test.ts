import { describe, expect, it } from 'vitest';
import { history } from '../../test/histories.ts';
import { checkSet } from './set.ts';

const add = (process: number, element: number, type: 'ok' | 'fail' | 'info', time?: number) => [
  {
    process,
    type: 'invoke' as const,
    f: 'add',
    key: 's',
    value: element,
    ...(time ? { time } : {}),
  },
  { process, type, f: 'add', key: 's', value: element, ...(time ? { time: time + 1 } : {}) },
];
const read = (process: number, value: unknown, extra: object = {}) => [
  { process, type: 'invoke' as const, f: 'read', key: 's', value: null, ...extra },
  { process, type: 'ok' as const, f: 'read', key: 's', value, ...extra },
];

describe('set checker', () => {
  it('all acknowledged adds in the final read: valid', () => {
    const result = checkSet(
      history(...add(0, 1, 'ok'), ...add(1, 2, 'ok'), ...read(2, [1, 2], { final: 'cluster' })),
    );
    expect(result).toMatchObject({ valid: true, acknowledged: 2, lost: 0, staleReads: 0 });
  });

  it('an acknowledged add missing from the final read is lost', () => {
    const result = checkSet(
      history(...add(0, 1, 'ok'), ...add(1, 2, 'ok'), ...read(2, [2], { final: 'cluster' })),
    );
    expect(result).toMatchObject({ valid: false, lost: 1 });
    expect((result.examples as { lost: { element: string }[] }).lost[0]!.element).toBe('1');
  });

  it('an info add that shows up is recovered; a failed add that shows up is unexpected', () => {
    const recovered = checkSet(
      history(...add(0, 1, 'info'), ...read(2, [1], { final: 'cluster' })),
    );
    expect(recovered).toMatchObject({ valid: true, recovered: 1 });
    const unexpected = checkSet(
      history(...add(0, 1, 'fail'), ...read(2, [1], { final: 'cluster' })),
    );
    expect(unexpected).toMatchObject({ valid: false, unexpected: 1 });
  });

  it('a read that misses an add acknowledged before it began is stale; siblings are merged', () => {
    const result = checkSet(
      history(
        ...add(0, 1, 'ok'),
        ...add(1, 2, 'ok'),
        ...read(2, [1]),
        ...read(3, [[1], [2]], { siblings: true }),
        ...read(2, [1, 2], { final: 'cluster' }),
      ),
    );
    expect(result).toMatchObject({ valid: true, staleReads: 1, reads: 2 });
  });

  it('without a final read the verdict is unknown', () => {
    expect(checkSet(history(...add(0, 1, 'ok'), ...read(2, [1]))).valid).toBe('unknown');
  });
});

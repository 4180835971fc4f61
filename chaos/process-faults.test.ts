import { describe, expect, it } from 'vitest';
import { scopeSize } from './process-faults.ts';

describe('process fault scopes', () => {
  it('sizes one, minority, majority and all for 3 and 5 nodes', () => {
    expect(
      [3, 5].map((n) =>
        ['one', 'minority', 'majority', 'all'].map((s) => scopeSize(s as never, n)),
      ),
    ).toEqual([
      [1, 1, 2, 3],
      [1, 2, 3, 5],
    ]);
  });
});

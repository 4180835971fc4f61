import { describe, expect, it } from 'vitest';
import { history, op } from '../../test/histories.ts';
import { checkLostWrites } from './lost-writes.ts';

const finalRead = (key: string, value: unknown, extra = {}) =>
  op(9, 'read', key, null, 'ok', value, { final: 'cluster', ...extra });

describe('lost-writes checker', () => {
  it('passes when the final read shows the last acknowledged write', () => {
    const h = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(0, 'write', 'k', 2, 'ok'),
      ...finalRead('k', 2),
    );
    expect(checkLostWrites(h)).toMatchObject({ valid: true, acknowledged: 2, lost: 0 });
  });

  it('flags an acknowledged write replaced by an older value', () => {
    const h = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(0, 'write', 'k', 2, 'ok'),
      ...finalRead('k', 1),
    );
    const result = checkLostWrites(h);
    expect(result.valid).toBe(false);
    expect(result.lost).toBe(1);
    expect(result.examples[0]!.write!.value).toBe(2);
  });

  it('flags an acknowledged write whose key is gone', () => {
    const h = history(...op(0, 'insert', 'k', 7, 'ok'), ...finalRead('k', null));
    expect(checkLostWrites(h)).toMatchObject({ valid: false, lost: 1 });
  });

  it('accepts a concurrent write as a legitimate successor', () => {
    // p1's write of 2 overlaps p0's write of 1 (invoked before 1 completed).
    const h = history(
      { process: 1, type: 'invoke', f: 'write', key: 'k', value: 2 },
      ...op(0, 'write', 'k', 1, 'ok'),
      { process: 1, type: 'ok', f: 'write', key: 'k', value: 2 },
      ...finalRead('k', 2),
    );
    expect(checkLostWrites(h).valid).toBe(true);
  });

  it('accepts a value of an unknown (info) write as a successor', () => {
    const h = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(1, 'write', 'k', 2, 'info'),
      ...finalRead('k', 2),
    );
    expect(checkLostWrites(h).valid).toBe(true);
  });

  it('finds the write among siblings', () => {
    const h = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(1, 'write', 'k', 2, 'ok'),
      ...finalRead('k', [1, 2], { siblings: true }),
    );
    expect(checkLostWrites(h).valid).toBe(true);
  });

  it('is unknown for a key whose final read failed, and without final reads', () => {
    const failed = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(9, 'read', 'k', null, 'fail', null, { final: 'cluster' }),
    );
    expect(checkLostWrites(failed)).toMatchObject({ valid: 'unknown', unknownKeys: 1 });
    expect(checkLostWrites(history(...op(0, 'write', 'k', 1, 'ok'))).valid).toBe('unknown');
  });

  it('does not count failed writes as acknowledged', () => {
    const h = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(0, 'write', 'k', 2, 'fail'),
      ...finalRead('k', 1),
    );
    expect(checkLostWrites(h)).toMatchObject({ valid: true, acknowledged: 1 });
  });
});

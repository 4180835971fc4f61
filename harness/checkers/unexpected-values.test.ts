import { describe, expect, it } from 'vitest';
import { history, op } from '../../test/histories.ts';
import { checkUnexpectedValues } from './unexpected-values.ts';

describe('unexpected-values checker', () => {
  it('passes reads of written values and of absent keys', () => {
    const h = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(1, 'read', 'k', null, 'ok', 1),
      ...op(1, 'read', 'j', null, 'ok', null),
    );
    expect(checkUnexpectedValues(h)).toMatchObject({ valid: true, reads: 2 });
  });

  it('flags a value nobody wrote', () => {
    const h = history(...op(0, 'write', 'k', 1, 'ok'), ...op(1, 'read', 'k', null, 'ok', 99));
    expect(checkUnexpectedValues(h)).toMatchObject({ valid: false, neverWritten: 1 });
  });

  it('flags a value written to another key', () => {
    const h = history(...op(0, 'write', 'a', 1, 'ok'), ...op(1, 'read', 'b', null, 'ok', 1));
    expect(checkUnexpectedValues(h)).toMatchObject({ valid: false, neverWritten: 1 });
  });

  it('flags the visible value of a write that reported fail', () => {
    const h = history(...op(0, 'write', 'k', 1, 'fail'), ...op(1, 'read', 'k', null, 'ok', 1));
    expect(checkUnexpectedValues(h)).toMatchObject({ valid: false, failedWriteVisible: 1 });
  });

  it('flags a read of a value whose write began after the read ended', () => {
    const h = history(...op(1, 'read', 'k', null, 'ok', 5), ...op(0, 'write', 'k', 5, 'ok'));
    expect(checkUnexpectedValues(h)).toMatchObject({ valid: false, fromFuture: 1 });
  });

  it('checks every sibling', () => {
    const h = history(
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(1, 'read', 'k', null, 'ok', [1, 3], { siblings: true }),
    );
    expect(checkUnexpectedValues(h)).toMatchObject({ valid: false, neverWritten: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { SharedClients } from './shared-clients.ts';

describe('SharedClients', () => {
  it('makes one client per key, and closes it when its last user releases it', () => {
    const closed: number[] = [];
    let made = 0;
    const pool = new SharedClients<number>((c) => closed.push(c));
    const a = pool.acquire('n1', () => ++made);
    const b = pool.acquire('n1', () => ++made);
    const c = pool.acquire('n2', () => ++made);
    expect([a, b, c]).toEqual([1, 1, 2]);
    pool.release('n1');
    expect(closed).toEqual([]);
    pool.release('n1');
    expect(closed).toEqual([1]);
    expect(pool.size).toBe(1);
    // A released key makes a new client for its next user.
    expect(pool.acquire('n1', () => ++made)).toBe(3);
  });

  it('ignores a release of a key it does not hold', () => {
    const pool = new SharedClients<number>(() => {
      throw new Error('closed a client nobody held');
    });
    expect(() => pool.release('nobody')).not.toThrow();
  });
});

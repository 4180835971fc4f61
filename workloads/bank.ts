import type { Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';
import type { Workload, WorkloadSpec } from './types.ts';

const ACCOUNTS = Array.from({ length: 5 }, (_, i) => `a${i}`);
const INITIAL_BALANCE = 10;

/**
 * Jepsen's bank: transfers of 1–5 between 5 accounts of 10 each, inside
 * transactions, and reads of every balance. The total (50) must never
 * change and no balance may go below zero. A transfer that would overdraw
 * is the system's to refuse (`fail`).
 */
export class BankWorkload implements Workload {
  readonly name = 'bank';
  readonly client = 'bank' as const;
  readonly checkers = ['bank'] as const;
  readonly checkerOptions = { bank: { total: ACCOUNTS.length * INITIAL_BALANCE } };

  load(): Invocation[] {
    return ACCOUNTS.map((key) => ({ f: 'write', key, value: INITIAL_BALANCE }));
  }

  next(rng: Rng): Invocation {
    // The accounts travel with the read for the adapter; the history records null.
    if (rng() < 0.2) return { f: 'read', value: ACCOUNTS };
    const from = ACCOUNTS[Math.floor(rng() * ACCOUNTS.length)]!;
    let to = ACCOUNTS[Math.floor(rng() * (ACCOUNTS.length - 1))]!;
    if (to === from) to = ACCOUNTS[ACCOUNTS.length - 1]!;
    return { f: 'transfer', value: { from, to, amount: 1 + Math.floor(rng() * 5) } };
  }

  done(_op: Invocation, _completion: Completion): void {}

  writtenKeys(): string[] {
    return [];
  }
}

export const BANK: WorkloadSpec = {
  name: 'bank',
  summary:
    'transfers between 5 accounts in transactions, reads of all balances; the total must hold',
  create: () => new BankWorkload(),
};

import { type Op, pairs } from '../../core/history.ts';
import type { CheckResult } from './types.ts';

const EXAMPLES = 10;

export interface BankOptions {
  /** The money in the bank; by default the total of the first successful read. */
  total?: number;
}

/**
 * Jepsen's bank: transfers (`{from, to, amount}`) move money between
 * accounts inside transactions, so every read of all balances
 * (`{account: balance}`) must show the same total, and no balance below
 * zero. Each offending read is evidence, with its total and time.
 */
export interface BankResult extends CheckResult {
  /** Successful reads of every balance. */
  reads: number;
  total?: number;
  totalFrom?: 'first read' | 'option';
  transfers?: { ok: number; all: number };
  wrongTotalReads: number;
  negativeReads: number;
  examples?: {
    wrongTotal: {
      index: number;
      timeMs: number;
      total: number;
      balances: Record<string, number>;
    }[];
    negative: { index: number; timeMs: number; accounts: string[] }[];
  };
}

export function checkBank(history: readonly Op[], options: BankOptions = {}): BankResult {
  const reads = pairs(history).filter(
    (p) => p.invoke.f === 'read' && p.complete?.type === 'ok' && p.invoke.final !== 'replica',
  );
  const balances = reads.map((p) => ({
    op: p.complete!,
    balances: p.complete!.value as Record<string, number>,
  }));
  if (balances.length === 0)
    return {
      valid: 'unknown',
      reason: 'no successful read of the balances',
      reads: 0,
      wrongTotalReads: 0,
      negativeReads: 0,
    };

  const sum = (b: Record<string, number>) => Object.values(b).reduce((a, v) => a + Number(v), 0);
  const total = options.total ?? sum(balances[0]!.balances);
  const wrongTotal: {
    index: number;
    timeMs: number;
    total: number;
    balances: Record<string, number>;
  }[] = [];
  const negative: { index: number; timeMs: number; accounts: string[] }[] = [];
  for (const { op, balances: b } of balances) {
    const t = sum(b);
    if (t !== total)
      wrongTotal.push({ index: op.index, timeMs: ms(op.time), total: t, balances: b });
    const below = Object.entries(b)
      .filter(([, v]) => Number(v) < 0)
      .map(([k]) => k);
    if (below.length) negative.push({ index: op.index, timeMs: ms(op.time), accounts: below });
  }
  const transfers = pairs(history).filter((p) => p.invoke.f === 'transfer');
  return {
    valid: wrongTotal.length === 0 && negative.length === 0,
    total,
    totalFrom: options.total === undefined ? 'first read' : 'option',
    reads: balances.length,
    transfers: {
      ok: transfers.filter((p) => p.complete?.type === 'ok').length,
      all: transfers.length,
    },
    wrongTotalReads: wrongTotal.length,
    negativeReads: negative.length,
    examples: { wrongTotal: wrongTotal.slice(0, EXAMPLES), negative: negative.slice(0, EXAMPLES) },
  };
}

const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;

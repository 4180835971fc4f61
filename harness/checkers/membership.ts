import { type History, INVOKE, OK, OpTable } from '../../core/op-table.ts';
import type { CheckResult } from './types.ts';

/** The nemesis's f for a node added or removed (chaos/membership.ts). */
const CHANGES = new Set(['grow', 'shrink']);

export interface MembershipChange {
  change: 'grow' | 'shrink';
  node: string;
  /** From the nemesis's invoke to its info: how long the data took to move (s). */
  seconds: number;
  /** Client ops that completed while it moved, and how many of them ok. */
  ok: number;
  total: number;
}

/**
 * Membership changes under load, read from the history alone: each node
 * added or removed, how long the move took, and how the clients fared
 * while data moved. Whether acknowledged writes survived is the
 * lost-writes checker's verdict; this one only describes the moves, and
 * fails when a change did not complete.
 */
export interface MembershipResult extends CheckResult {
  changes: MembershipChange[];
  /** Changes the system could not complete (the nemesis recorded an error). */
  failed: { change: string; error: string }[];
}

export function checkMembership(history: History): MembershipResult {
  const t = OpTable.of(history);
  const moves: { start: number; end: number; change: MembershipChange }[] = [];
  const failed: MembershipResult['failed'] = [];
  let invokedAt: number | undefined;
  for (let i = 0; i < t.length; i++) {
    if (t.process[i] !== -1) continue;
    if (t.type[i] === INVOKE) {
      invokedAt = t.time[i]!;
      continue;
    }
    const op = t.op(i);
    const start = invokedAt;
    invokedAt = undefined;
    if (!CHANGES.has(op.f) || start === undefined) continue;
    if (op.error) {
      failed.push({ change: op.f, error: op.error });
      continue;
    }
    const end = t.time[i]!;
    const node = (op.value as { nodes?: string[] } | undefined)?.nodes?.[0] ?? '?';
    const seconds = Math.round((end - start) / 1e6) / 1000;
    moves.push({
      start,
      end,
      change: { change: op.f as MembershipChange['change'], node, seconds, ok: 0, total: 0 },
    });
  }
  if (moves.length > 0) {
    for (let i = 0; i < t.length; i++) {
      if (t.process[i] === -1 || t.type[i] === INVOKE) continue;
      const time = t.time[i]!;
      const move = moves.find((m) => m.start <= time && time < m.end);
      if (!move) continue;
      move.change.total++;
      if (t.type[i] === OK) move.change.ok++;
    }
  }
  const changes = moves.map((m) => m.change);
  return {
    // Descriptive unless a change failed: a run without one is not in doubt.
    valid: failed.length === 0,
    ...(changes.length === 0 && failed.length === 0
      ? { reason: 'no membership change in the history (--nemesis=membership)' }
      : {}),
    changes,
    failed,
  };
}

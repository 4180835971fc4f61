import type { Op } from '../../core/history.ts';
import { type History, OpTable } from '../../core/op-table.ts';

/** A fault as the history records it: from its nemesis info op to the next end. */
export interface Window {
  fault: string;
  /** History index of the info op that started it. */
  index: number;
  /** That op's value: what the nemesis recorded (a partition's sides and quorum). */
  value: Record<string, unknown>;
  /** For partitions, the minority side; otherwise the nodes acted on. */
  nodes: string[];
  start: number;
  /**
   * When the action that ends the fault began (its nemesis invoke): from
   * then on the fault may be lifted already, before the action records it.
   * Infinity when the history ended during the fault.
   */
  lifting: number;
  /** When that action finished (its info): the fault is fully gone. Infinity as above. */
  end: number;
}

/**
 * The fault windows of a history, read from its nemesis ops: a fault starts
 * with the info op that names it (f = the fault), once it is fully in place,
 * and ends with the next nemesis action (restart, resume, stop-partition…),
 * which lifts it between its invoke (`lifting`) and its info (`end`).
 * Failed nemesis actions (an `error` on the info op) start nothing.
 */
export function faultWindows(history: History): Window[] {
  const windows: Window[] = [];
  let open: Window | undefined;
  let lastInvoke = Number.POSITIVE_INFINITY;
  for (const op of nemesisOps(history)) {
    if (op.type === 'invoke') lastInvoke = op.time;
    if (op.type !== 'info' || op.error) continue;
    if (open) {
      open.lifting = Math.max(open.start, Math.min(lastInvoke, op.time));
      open.end = op.time;
      open = undefined;
      continue;
    }
    const value = (op.value ?? {}) as { nodes?: string[] };
    const never = Number.POSITIVE_INFINITY;
    open = {
      fault: op.f,
      index: op.index,
      value,
      nodes: value.nodes ?? [],
      start: op.time,
      lifting: never,
      end: never,
    };
    windows.push(open);
  }
  return windows;
}

/** The window in effect at `time`, if any (windows do not overlap: one fault at a time). */
export function windowAt(windows: readonly Window[], time: number): Window | undefined {
  return windows.find((w) => w.start <= time && time < w.end);
}

/** The nemesis's ops, in order (from a table, without making the others objects). */
function* nemesisOps(history: History): Iterable<Op> {
  if (!(history instanceof OpTable)) {
    for (const op of history) if (op.process === 'nemesis') yield op;
    return;
  }
  for (let i = 0; i < history.length; i++) if (history.process[i] === -1) yield history.op(i);
}

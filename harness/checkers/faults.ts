import type { Op } from '../history.ts';

/** A fault as the history records it: from its nemesis info op to the next end. */
export interface Window {
  fault: string;
  /** For partitions, the minority side; otherwise the nodes acted on. */
  nodes: string[];
  start: number;
  /** Infinity when the history ended during the fault. */
  end: number;
}

/**
 * The fault windows of a history, read from its nemesis ops: a fault starts
 * with the info op that names it (f = the fault) and ends with the next
 * nemesis info op (restart, resume, stop-partition…). Failed nemesis actions
 * (an `error` on the info op) start nothing.
 */
export function faultWindows(history: readonly Op[]): Window[] {
  const windows: Window[] = [];
  let open: Window | undefined;
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type !== 'info' || op.error) continue;
    if (open) {
      open.end = op.time;
      open = undefined;
      continue;
    }
    const value = (op.value ?? {}) as { nodes?: string[] };
    open = { fault: op.f, nodes: value.nodes ?? [], start: op.time, end: Number.POSITIVE_INFINITY };
    windows.push(open);
  }
  return windows;
}

/** The window in effect at `time`, if any (windows do not overlap: one fault at a time). */
export function windowAt(windows: readonly Window[], time: number): Window | undefined {
  return windows.find((w) => w.start <= time && time < w.end);
}

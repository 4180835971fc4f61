import type { Op } from '../core/history.ts';
import { type Rng, seededRng } from '../core/rng.ts';

export interface RegisterHistoryOptions {
  ops: number;
  processes: number;
  keys: number;
  /** Fraction of ops whose outcome is unknown (info). */
  infoRate: number;
  seed: number;
}

/**
 * A linearizable register history, for benchmarks: each op takes effect at
 * a random instant inside its interval, reads return the value at that
 * instant, and an info write took effect or not at random. Processes run one
 * op at a time with random durations, so ops overlap as with real clients.
 */
export function linearizableRegisterHistory(options: RegisterHistoryOptions): Op[] {
  const rng = seededRng(options.seed);
  interface Planned {
    process: number;
    key: string;
    f: 'read' | 'write';
    value: number | null;
    call: number;
    ret: number;
    at: number;
    info: boolean;
    effective: boolean;
  }
  const planned: Planned[] = [];
  const clocks = Array.from({ length: options.processes }, () => rng() * 1000);
  const ids = Array.from({ length: options.processes }, (_, i) => i);
  let nextId = options.processes;
  let written = 0;
  for (let i = 0; i < options.ops; i++) {
    const slot = Math.floor(rng() * options.processes);
    const call = clocks[slot]! + exp(rng, 200);
    const ret = call + 100 + exp(rng, 1000);
    const f = rng() < 0.5 ? 'read' : 'write';
    const info = f === 'write' && rng() < options.infoRate * 2;
    planned.push({
      process: ids[slot]!,
      key: `r${Math.floor(rng() * options.keys)}`,
      f,
      value: f === 'write' ? ++written : null,
      call,
      ret,
      at: call + rng() * (ret - call),
      info,
      effective: !info || rng() < 0.5,
    });
    clocks[slot] = ret;
    // Jepsen's rule: a process whose op is indefinite is replaced.
    if (info) ids[slot] = nextId++;
  }
  const state = new Map<string, number | null>();
  for (const p of [...planned].sort((a, b) => a.at - b.at)) {
    if (p.f === 'write' && p.effective) state.set(p.key, p.value);
    if (p.f === 'read') p.value = state.get(p.key) ?? null;
  }
  const events: { time: number; op: Omit<Op, 'index'> }[] = [];
  for (const p of planned) {
    const base = { process: p.process, f: p.f, key: p.key };
    events.push({
      time: p.call,
      op: { ...base, time: 0, type: 'invoke', value: p.f === 'read' ? null : p.value },
    });
    if (!p.info) events.push({ time: p.ret, op: { ...base, time: 0, type: 'ok', value: p.value } });
    else events.push({ time: p.ret, op: { ...base, time: 0, type: 'info', value: p.value } });
  }
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e.op, index, time: Math.round(e.time * 1000) }) as Op);
}

function exp(rng: Rng, mean: number): number {
  return -Math.log(1 - rng()) * mean;
}

/**
 * A serializable list-append history (Elle's workload), for benchmarks: the
 * transactions run one after another against an in-memory store, so every
 * read is consistent. Keys are retired after `appendsPerKey` appends, as in
 * Jepsen, so lists stay short.
 */
export function serialListAppendHistory(options: {
  txns: number;
  processes: number;
  activeKeys: number;
  appendsPerKey: number;
  seed: number;
}): Op[] {
  const rng = seededRng(options.seed);
  const lists = new Map<string, number[]>();
  const slots = Array.from({ length: options.activeKeys }, (_, i) => i);
  let nextKey = options.activeKeys;
  const out: Op[] = [];
  for (let t = 0; t < options.txns; t++) {
    const process = t % options.processes;
    const micro: unknown[][] = [];
    const size = 1 + Math.floor(rng() * 4);
    for (let m = 0; m < size; m++) {
      const slot = Math.floor(rng() * slots.length);
      const key = `k${slots[slot]}`;
      const list = lists.get(key) ?? [];
      lists.set(key, list);
      if (rng() < 0.5) {
        micro.push(['r', key, [...list]]);
      } else {
        list.push(list.length + 1);
        micro.push(['append', key, list.length]);
        if (list.length >= options.appendsPerKey) slots[slot] = nextKey++;
      }
    }
    const invoked = micro.map((m) => (m[0] === 'r' ? ['r', m[1], null] : m));
    out.push({ index: out.length, time: 2 * t, process, type: 'invoke', f: 'txn', value: invoked });
    out.push({ index: out.length, time: 2 * t + 1, process, type: 'ok', f: 'txn', value: micro });
  }
  return out;
}

/** The list-append bench's history: the parent measures its reference on it, the child checks it. */
export const LIST_APPEND_BENCH = {
  txns: 100_000,
  processes: 10,
  activeKeys: 10,
  appendsPerKey: 32,
  seed: 3,
} as const;

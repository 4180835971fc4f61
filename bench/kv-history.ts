import { closeSync, openSync, writeSync } from 'node:fs';
import type { Op } from '../core/history.ts';
import { FORMAT_HEADER, HistoryEncoder } from '../core/history-codec.ts';
import { seededRng } from '../core/rng.ts';

export interface KvHistoryOptions {
  /** History ops (invocations and completions, nemesis and final reads included). */
  ops: number;
  processes: number;
  keys: number;
  nodes: number;
  seed: number;
}

/**
 * A write-heavy history as a run of a correct system under partitions
 * records it, written straight to `path` in the compact format (never held
 * in memory): processes pinned to nodes read and update random keys (each
 * op takes effect when it completes, so the history is linearizable and
 * loses nothing); every tenth of the run one node is cut off, its side
 * without the quorum, and its ops fail; 1% of ops end `info` (their
 * process replaced, as Jepsen does); after the run, a cluster read of every
 * key and a read of each node's copy. Returns the number of ops written.
 */
export function writeKvHistory(path: string, options: KvHistoryOptions): number {
  const rng = seededRng(options.seed);
  const fd = openSync(path, 'w');
  const encoder = new HistoryEncoder();
  let pending = `${FORMAT_HEADER}\n`;
  let index = 0;
  // Ops are built as literals: object spread here cost five times the encoding.
  const emit = (op: Omit<Op, 'index'>) => {
    (op as Op).index = index++;
    pending += encoder.encode(op as Op);
    if (pending.length > 1 << 20) {
      writeSync(fd, pending);
      pending = '';
    }
  };
  const nodes = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
  const keys = Array.from({ length: options.keys }, (_, k) => `k${k}`);
  const state = new Map<string, number>();
  let written = 0;
  // Each slot is one worker: its process id, its node, its op in flight.
  const slots = Array.from({ length: options.processes }, (_, i) => ({
    process: i,
    node: nodes[i % nodes.length]!,
    next: micros(rng() * 100),
    inflight: undefined as { f: 'read' | 'update'; key: string; value: number | null } | undefined,
  }));
  let nextProcess = options.processes;
  const finalOps = options.keys * 2 * (1 + nodes.length);
  const runOps = Math.max(0, options.ops - finalOps - 40);
  const faultEvery = Math.max(1, Math.floor(runOps / 10));
  let cut: string | undefined;
  let time = 0;
  let run = 0;
  while (run < runOps) {
    let slot = slots[0]!;
    for (const s of slots) if (s.next < slot.next) slot = s;
    time = slot.next;
    if (run > 0 && run % faultEvery === 0) {
      // Cut one node off, or heal: as the partition nemesis records it.
      if (!cut) {
        cut = nodes[Math.floor(rng() * nodes.length)]!;
        const rest = nodes.filter((n) => n !== cut);
        const sees = Object.fromEntries(nodes.map((n) => [n, n === cut ? [n] : rest]));
        emit({ time, process: 'nemesis', type: 'invoke', f: 'partition-isolate' });
        emit({
          time: time + 1000,
          process: 'nemesis',
          type: 'info',
          f: 'partition-isolate',
          value: {
            nodes: [cut],
            sees,
            quorum: { rule: 'majority', of: 'nodes', members: nodes, graceMs: 1 },
          },
        });
      } else {
        emit({ time, process: 'nemesis', type: 'invoke', f: 'stop-partition' });
        emit({ time: time + 1000, process: 'nemesis', type: 'info', f: 'stop-partition' });
        cut = undefined;
      }
      run += 2;
    }
    const { process, node } = slot;
    if (!slot.inflight) {
      const f = rng() < 0.5 ? 'read' : 'update';
      const key = keys[Math.floor(rng() * options.keys)]!;
      slot.inflight = { f, key, value: f === 'update' ? ++written : null };
      emit({ process, node, time, type: 'invoke', f, key, value: slot.inflight.value });
      slot.next = time + micros(20 + rng() * 200);
    } else {
      const { f, key, value } = slot.inflight;
      const refused = slot.node === cut;
      const info = !refused && rng() < 0.01;
      if (refused) emit({ process, node, time, type: 'fail', f, key, value, error: 'no quorum' });
      else if (info) {
        if (f === 'update' && rng() < 0.5) state.set(key, value!);
        emit({ process, node, time, type: 'info', f, key, value, error: 'timeout' });
      } else if (f === 'update') {
        state.set(key, value!);
        emit({ process, node, time, type: 'ok', f, key, value });
      } else emit({ process, node, time, type: 'ok', f, key, value: state.get(key) ?? null });
      if (info) slot.process = nextProcess++;
      slot.inflight = undefined;
      slot.next = time + micros(rng() * 20);
    }
    run++;
  }
  // Settle what is in flight as unknown, heal, then read every key back.
  for (const slot of slots) {
    if (!slot.inflight) continue;
    const { f, key, value } = slot.inflight;
    emit({ time: ++time, process: slot.process, node: slot.node, type: 'info', f, key, value });
  }
  if (cut) {
    emit({ time: ++time, process: 'nemesis', type: 'invoke', f: 'stop-partition' });
    emit({ time: ++time, process: 'nemesis', type: 'info', f: 'stop-partition' });
  }
  const reader = nextProcess;
  for (const key of keys) {
    const value = state.get(key) ?? null;
    const [process, node, f] = [reader, nodes[0]!, 'read'];
    emit({ process, node, f, key, time: ++time, type: 'invoke', value: null, final: 'cluster' });
    emit({ process, node, f, key, time: ++time, type: 'ok', value, final: 'cluster' });
    for (const own of nodes) {
      const replica = { process: reader + 1, node: own, f, key };
      emit({ ...replica, time: ++time, type: 'invoke', value: null, final: 'replica' });
      emit({ ...replica, time: ++time, type: 'ok', value, final: 'replica' });
    }
  }
  writeSync(fd, pending);
  closeSync(fd);
  return index;
}

/** Times in whole µs, as the run's clock gives them. */
const micros = (us: number) => Math.round(us) * 1000;

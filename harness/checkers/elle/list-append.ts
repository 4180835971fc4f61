import { type Op, pairs } from '../../history.ts';
import type { CheckResult } from '../types.ts';
import { type Cycle, classifyComponent, DependencyGraph, RW, WR, WW } from './graph.ts';

/**
 * Elle's list-append checker (Kingsbury & Alvaro, VLDB 2020). Transactions
 * (`f: "txn"`) are arrays of micro-ops `["append", k, v]` and
 * `["r", k, [v…] | null]`; every appended value is unique per key. Because a
 * read returns the whole list, reads reveal each key's version order: the
 * longest read is the order, and every other read must be a prefix of it.
 * From it come write-write (ww), write-read (wr) and read-write (rw,
 * anti-dependency) edges between transactions; cycles in that graph are
 * the anomalies G0, G1c, G-single and G2-item. Non-cycle anomalies are found
 * directly: G1a (read of an aborted append), G1b (read of an intermediate
 * append), internal inconsistency, duplicate elements, incompatible orders.
 *
 * Checked up to serializability: real-time order between transactions is
 * not used (no strict-serializability edges).
 */

type MicroOp = ['append', string, unknown] | ['r', string, unknown[] | null];

interface Txn {
  /** Node in the graph. */
  id: number;
  op: Op;
  process: number | string;
  ops: MicroOp[];
  status: 'ok' | 'info';
}

const EXAMPLES = 8;
const ANOMALY_ORDER = [
  'G0',
  'G1a',
  'G1b',
  'G1c',
  'G-single',
  'G2-item',
  'internal',
  'duplicate-elements',
  'incompatible-order',
  'unexpected-element',
] as const;

export function checkListAppend(history: readonly Op[]): CheckResult {
  const started = Date.now();
  const txns: Txn[] = [];
  const failedAppends = new Map<string, Op>(); // `${key} ${value}` of aborted txns
  for (const { invoke, complete } of pairs(history)) {
    if (invoke.f !== 'txn') continue;
    const type = complete?.type ?? 'info';
    const ops = ((type === 'ok' ? complete!.value : invoke.value) ?? []) as MicroOp[];
    if (type === 'fail') {
      for (const m of ops) if (m[0] === 'append') failedAppends.set(cell(m[1], m[2]), complete!);
      continue;
    }
    // An indefinite txn's reads are unknown; its appends may be observed.
    const kept = type === 'ok' ? ops : ops.filter((m) => m[0] === 'append');
    txns.push({
      id: txns.length,
      op: complete ?? invoke,
      process: invoke.process,
      ops: kept,
      status: type === 'ok' ? 'ok' : 'info',
    });
  }

  const anomalies = new Map<string, unknown[]>();
  const report = (type: string, evidence: unknown) => {
    const list = anomalies.get(type) ?? [];
    list.push(evidence);
    anomalies.set(type, list);
  };

  // Who appended what, and what each txn appended last to each key.
  const writer = new Map<string, { txn: Txn; final: boolean }>();
  for (const txn of txns) {
    const lastIndex = new Map<string, number>();
    for (const [i, m] of txn.ops.entries()) if (m[0] === 'append') lastIndex.set(m[1], i);
    for (const [i, m] of txn.ops.entries()) {
      if (m[0] === 'append')
        writer.set(cell(m[1], m[2]), { txn, final: lastIndex.get(m[1]) === i });
    }
  }

  // Internal consistency and the reads each txn made from outside itself.
  const externalReads: { txn: Txn; key: string; list: unknown[] }[] = [];
  for (const txn of txns) {
    if (txn.status !== 'ok') continue;
    const known = new Map<string, { list: unknown[] | undefined; own: unknown[] }>();
    for (const m of txn.ops) {
      const state = known.get(m[1]) ?? { list: undefined, own: [] };
      known.set(m[1], state);
      if (m[0] === 'append') {
        state.own.push(m[2]);
        if (state.list) state.list = [...state.list, m[2]];
        continue;
      }
      const list = m[2] ?? [];
      if (new Set(list.map((v) => JSON.stringify(v))).size !== list.length)
        report('duplicate-elements', { txn: show(txn), key: m[1], read: list });
      if (state.list) {
        if (!sameList(state.list, list))
          report('internal', { txn: show(txn), key: m[1], expected: state.list, read: list });
      } else {
        // The first read of a key: it must end with this txn's own appends so far.
        const tail = list.slice(list.length - state.own.length);
        if (state.own.length > 0 && !sameList(tail, state.own))
          report('internal', {
            txn: show(txn),
            key: m[1],
            expected: ['…', ...state.own],
            read: list,
          });
        externalReads.push({ txn, key: m[1], list: list.slice(0, list.length - state.own.length) });
      }
      state.list = list;
    }
  }

  // Version order per key: the longest read; every read must be a prefix.
  const order = new Map<string, unknown[]>();
  for (const { key, list } of externalReads) {
    const current = order.get(key);
    if (!current || list.length > current.length) order.set(key, list);
  }
  for (const read of externalReads) {
    const longest = order.get(read.key)!;
    if (!isPrefix(read.list, longest))
      report('incompatible-order', {
        key: read.key,
        txn: show(read.txn),
        read: read.list,
        longest,
      });
  }

  // G1a, G1b and elements nobody appended.
  for (const { txn, key, list } of externalReads) {
    for (const value of list) {
      const c = cell(key, value);
      const aborted = failedAppends.get(c);
      if (aborted) report('G1a', { txn: show(txn), key, value, abortedIndex: aborted.index });
      else if (!writer.has(c)) report('unexpected-element', { txn: show(txn), key, value });
    }
    const last = list[list.length - 1];
    const w = last === undefined ? undefined : writer.get(cell(key, last));
    if (w && !w.final && w.txn !== txn)
      report('G1b', { txn: show(txn), key, value: last, writer: show(w.txn) });
  }

  // The dependency graph.
  const graph = new DependencyGraph(txns.length);
  for (const [key, list] of order) {
    for (let i = 1; i < list.length; i++) {
      const a = writer.get(cell(key, list[i - 1]));
      const b = writer.get(cell(key, list[i]));
      if (a && b) graph.add(a.txn.id, b.txn.id, WW, key);
    }
  }
  for (const { txn, key, list } of externalReads) {
    const longest = order.get(key)!;
    const last = list[list.length - 1];
    if (last !== undefined) {
      const w = writer.get(cell(key, last));
      if (w) graph.add(w.txn.id, txn.id, WR, key);
    }
    // The next version after what it read was written after it read: rw.
    const next = longest[list.length];
    if (next !== undefined && isPrefix(list, longest)) {
      const w = writer.get(cell(key, next));
      if (w) graph.add(txn.id, w.txn.id, RW, key);
    }
  }

  const cycles: Cycle[] = graph
    .components()
    .map((component) => classifyComponent(graph, component));
  for (const cycle of cycles) report(cycle.type, explainCycle(cycle, txns));

  const found = ANOMALY_ORDER.filter((type) => anomalies.has(type));
  return {
    valid: found.length === 0,
    txns: txns.length,
    keys: order.size,
    anomalyTypes: found,
    anomalies: Object.fromEntries(
      found.map((type) => [
        type,
        { count: anomalies.get(type)!.length, examples: anomalies.get(type)!.slice(0, EXAMPLES) },
      ]),
    ),
    elapsedMs: Date.now() - started,
  };
}

function explainCycle(cycle: Cycle, txns: Txn[]) {
  const name = (id: number) => `T${txns[id]!.op.index}`;
  const kind = (type: number) => (type === WW ? 'ww' : type === WR ? 'wr' : 'rw');
  const chain = cycle.nodes
    .map((id, i) => `${name(id)} -${kind(cycle.edges[i]!.type)}(${cycle.edges[i]!.key})->`)
    .join(' ');
  return {
    cycle: `${chain} ${name(cycle.nodes[0]!)}`,
    txns: cycle.nodes.map((id) => show(txns[id]!)),
    explanation: cycle.edges.map((e, i) => {
      const [a, b] = [name(cycle.nodes[i]!), name(e.to)];
      if (e.type === WW) return `${a} appended to ${e.key} before ${b} did`;
      if (e.type === WR) return `${b} read ${a}'s append to ${e.key}`;
      return `${a} read ${e.key} before ${b}'s append to it`;
    }),
  };
}

function show(txn: Txn) {
  return {
    name: `T${txn.op.index}`,
    process: txn.process,
    status: txn.status,
    index: txn.op.index,
    timeMs: Math.round(txn.op.time / 1e3) / 1e3,
    ops: txn.ops,
  };
}

const cell = (key: string, value: unknown) => `${key}\u0000${JSON.stringify(value)}`;

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && isPrefix(b, a);
}

/** Whether `prefix` is a prefix of `list`, without copying either. */
function isPrefix(prefix: readonly unknown[], list: readonly unknown[]): boolean {
  if (prefix.length > list.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (prefix[i] !== list[i] && JSON.stringify(prefix[i]) !== JSON.stringify(list[i]))
      return false;
  }
  return true;
}

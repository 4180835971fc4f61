import { type Op, pairs } from '../../../core/history.ts';
import type { CheckResult } from '../types.ts';
import {
  type Cycle,
  classifyComponent,
  DependencyGraph,
  PROCESS,
  REALTIME,
  RW,
  WR,
  WW,
} from './graph.ts';
import { CHECKED_MODELS, isCheckedModel, type ModelVerdict, modelVerdict } from './models.ts';

/**
 * Elle's list-append checker (Kingsbury & Alvaro, VLDB 2020). Transactions
 * (`f: "txn"`) are arrays of micro-ops `["append", k, v]` and
 * `["r", k, [v…] | null]`; every appended value is unique per key. Because a
 * read returns the whole list, reads reveal each key's version order: the
 * longest read is the order, and every other read must be a prefix of it.
 * From it come write-write (ww), write-read (wr) and read-write (rw,
 * anti-dependency) edges between transactions; cycles in that graph are
 * the anomalies G0, G1c, G-single, G-nonadjacent and G2-item. An append no read observed
 * comes after the longest read (lists only grow), so a read of that list
 * anti-depends on it: write skew shows even when nobody read the writes.
 * Non-cycle anomalies are found directly: G1a (read of an aborted append),
 * G1b (read of an intermediate append), internal inconsistency, lost
 * update (two txns read one version and both appended), duplicate elements
 * (reported, then dropped before any edge is drawn), incompatible orders.
 */

type MicroOp = ['append', string, unknown] | ['r', string, unknown[] | null];

interface Txn {
  /** Node in the graph. */
  id: number;
  op: Op;
  invokedAt: number;
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
  'G-nonadjacent',
  'G2-item',
  'internal',
  'lost-update',
  'duplicate-elements',
  'incompatible-order',
  'unexpected-element',
] as const;

/**
 * `model`: the strongest model checked. `serializable` (the default) uses
 * the dependency edges alone; `strong-session-serializable` adds each
 * process's order of its own transactions; `strict-serializable` adds
 * real-time order (a transaction that began after another completed comes
 * after it). Cycles that need those edges are named with `-process` or
 * `-realtime`.
 */
export interface ListAppendResult extends CheckResult {
  txns: number;
  keys: number;
  /** The anomalies found, weakest first (G0, G1a, ... G2-item). */
  anomalyTypes: string[];
  /** The strongest model checked. */
  model: string;
  /** The models the anomalies rule out and the strongest still standing (Elle's). */
  models: ModelVerdict;
  anomalies: Record<string, { count: number; examples: unknown[] }>;
  elapsedMs: number;
}

export function checkListAppend(
  history: readonly Op[],
  options: { model?: string } = {},
): ListAppendResult {
  const started = Date.now();
  const model = options.model ?? 'serializable';
  if (!isCheckedModel(model))
    throw new UnknownModelError(
      `unknown consistency model "${options.model}"; valid: ${CHECKED_MODELS.join(', ')}`,
    );
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
      invokedAt: invoke.time,
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

  // Every read, deduplicated (a duplicate is reported, then dropped, so it
  // cannot fake a ww cycle), checked against what the txn itself wrote.
  // A read is external (it observed other txns' state) when it is the
  // txn's first access to the key; later reads hold the txn's own appends.
  const reads: { txn: Txn; key: string; list: unknown[] }[] = [];
  const externalReads: typeof reads = [];
  for (const txn of txns) {
    if (txn.status !== 'ok') continue;
    // Per key: the txn's last read of it, and its own appends since.
    const known = new Map<string, { previous: unknown[] | undefined; own: unknown[] }>();
    for (const m of txn.ops) {
      const state = known.get(m[1]);
      if (m[0] === 'append') {
        if (state) state.own.push(m[2]);
        else known.set(m[1], { previous: undefined, own: [m[2]] });
        continue;
      }
      const raw = m[2] ?? [];
      const list = dedupe(raw);
      if (list.length !== raw.length)
        report('duplicate-elements', { txn: show(txn), key: m[1], read: raw });
      // A later read may hold what others committed meanwhile (a fuzzy read,
      // allowed at read committed; the cycle it makes rules out repeatable
      // read): it must still start with the txn's last read of the key and
      // end with the txn's own appends since.
      if (state?.previous && !(isPrefix(state.previous, list) && endsWith(list, state.own)))
        report('internal', {
          txn: show(txn),
          key: m[1],
          expected: [...state.previous, ...state.own],
          read: list,
        });
      else if (state && !state.previous && !endsWith(list, state.own))
        report('internal', {
          txn: show(txn),
          key: m[1],
          expected: ['…', ...state.own],
          read: list,
        });
      reads.push({ txn, key: m[1], list });
      if (!state) externalReads.push({ txn, key: m[1], list });
      known.set(m[1], { previous: list, own: [] });
    }
  }

  // Version order per key: the longest read, which every read must prefix;
  // then the appends no read observed, which can only have come after it
  // (lists only grow), in an order nobody saw.
  const observed = new Map<string, unknown[]>();
  for (const { key, list } of reads) {
    const current = observed.get(key);
    if (!current || list.length > current.length) observed.set(key, list);
  }
  for (const read of reads) {
    const longest = observed.get(read.key)!;
    if (!isPrefix(read.list, longest))
      report('incompatible-order', {
        key: read.key,
        txn: show(read.txn),
        read: read.list,
        longest,
      });
  }
  const seen = new Set([...observed].flatMap(([key, list]) => list.map((v) => cell(key, v))));
  const unobserved = new Map<string, Txn[]>();
  for (const [c, w] of writer) {
    if (seen.has(c)) continue;
    const key = c.slice(0, c.indexOf('\u0000'));
    unobserved.set(key, [...(unobserved.get(key) ?? []), w.txn]);
  }

  // G1a, G1b and elements nobody appended.
  for (const { txn, key, list } of reads) {
    for (const value of list) {
      const c = cell(key, value);
      const aborted = failedAppends.get(c);
      if (aborted) report('G1a', { txn: show(txn), key, value, abortedIndex: aborted.index });
      else if (!writer.has(c)) report('unexpected-element', { txn: show(txn), key, value });
    }
  }
  for (const { txn, key, list } of externalReads) {
    const last = list[list.length - 1];
    const w = last === undefined ? undefined : writer.get(cell(key, last));
    if (w && !w.final && w.txn !== txn)
      report('G1b', { txn: show(txn), key, value: last, writer: show(w.txn) });
  }

  // Lost update: two txns read the same version of a key and both appended to it.
  const readThenAppended = new Map<string, { key: string; read: unknown; txns: Txn[] }>();
  for (const { txn, key, list } of externalReads) {
    if (!txn.ops.some((m) => m[0] === 'append' && m[1] === key)) continue;
    const read = list[list.length - 1] ?? null;
    const version = cell(key, read);
    const group = readThenAppended.get(version) ?? { key, read, txns: [] };
    group.txns.push(txn);
    readThenAppended.set(version, group);
  }
  for (const { key, read, txns: group } of readThenAppended.values()) {
    if (group.length > 1) report('lost-update', { key, read, txns: group.map(show) });
  }

  // The dependency graph.
  const graph = new DependencyGraph(txns.length);
  for (const [key, list] of observed) {
    for (let i = 1; i < list.length; i++) {
      const a = writer.get(cell(key, list[i - 1]));
      const b = writer.get(cell(key, list[i]));
      if (a && b) graph.add(a.txn.id, b.txn.id, WW, key);
    }
  }
  for (const [key, later] of unobserved) {
    const list = observed.get(key) ?? [];
    const last = list.length ? writer.get(cell(key, list[list.length - 1])) : undefined;
    if (last) for (const t of later) graph.add(last.txn.id, t.id, WW, key);
  }
  for (const { txn, key, list } of externalReads) {
    const longest = observed.get(key) ?? [];
    const last = list[list.length - 1];
    if (last !== undefined) {
      const w = writer.get(cell(key, last));
      if (w) graph.add(w.txn.id, txn.id, WR, key);
    }
    if (!isPrefix(list, longest)) continue;
    // The next version after what it read was installed after it read: rw.
    // After the longest read, any unobserved append may be the next one;
    // an edge to each keeps every cycle (the one that is next precedes the
    // others by ww) without adding an rw that could not be.
    const next = longest[list.length];
    if (next !== undefined) {
      const w = writer.get(cell(key, next));
      if (w) graph.add(txn.id, w.txn.id, RW, key);
    } else for (const t of unobserved.get(key) ?? []) graph.add(txn.id, t.id, RW, key);
  }

  const extra =
    model === 'strict-serializable'
      ? REALTIME
      : model === 'strong-session-serializable'
        ? PROCESS
        : 0;
  if (extra === PROCESS) addSessionEdges(graph, txns);
  if (extra === REALTIME) addRealtimeEdges(graph, txns);
  const suffix = extra === REALTIME ? '-realtime' : extra === PROCESS ? '-process' : '';
  const cycles: Cycle[] = graph
    .components(WW | WR | RW | extra)
    .map((component) => classifyComponent(graph, component, extra, suffix));
  for (const cycle of cycles) report(cycle.type, explainCycle(cycle, txns));

  const found = [
    ...ANOMALY_ORDER.filter((type) => anomalies.has(type)),
    ...[...anomalies.keys()]
      .filter((type) => !(ANOMALY_ORDER as readonly string[]).includes(type))
      .sort(),
  ];
  return {
    valid: found.length === 0,
    txns: txns.length,
    keys: new Set([...observed.keys(), ...unobserved.keys()]).size,
    anomalyTypes: found,
    model,
    models: modelVerdict(found, model),
    anomalies: Object.fromEntries(
      found.map((type) => [
        type,
        { count: anomalies.get(type)!.length, examples: anomalies.get(type)!.slice(0, EXAMPLES) },
      ]),
    ),
    elapsedMs: Date.now() - started,
  };
}

/** The session order: each process's ok transactions, one after the other. */
function addSessionEdges(graph: DependencyGraph, txns: readonly Txn[]): void {
  const last = new Map<number | string, Txn>();
  for (const txn of [...txns].sort((a, b) => a.invokedAt - b.invokedAt)) {
    if (txn.status !== 'ok') continue;
    const before = last.get(txn.process);
    if (before) graph.add(before.id, txn.id, PROCESS, String(txn.process));
    last.set(txn.process, txn);
  }
}

/**
 * Real-time order, transitively reduced: an edge from each transaction of
 * the frontier (completed, and not yet followed by one that completed after
 * it began) to every transaction invoked after it completed. Only ok
 * transactions have a known completion.
 */
function addRealtimeEdges(graph: DependencyGraph, txns: readonly Txn[]): void {
  const events = txns
    .filter((t) => t.status === 'ok')
    .flatMap((t) => [
      { time: t.invokedAt, invoke: true, txn: t },
      { time: t.op.time, invoke: false, txn: t },
    ])
    .sort((a, b) => a.time - b.time || (a.invoke ? 1 : -1));
  let frontier: Txn[] = [];
  const predecessors = new Map<Txn, Txn[]>();
  for (const { invoke, txn } of events) {
    if (invoke) {
      predecessors.set(txn, frontier);
      for (const p of frontier) graph.add(p.id, txn.id, REALTIME, 'real time');
      continue;
    }
    const covered = new Set(predecessors.get(txn) ?? []);
    frontier = [...frontier.filter((t) => !covered.has(t)), txn];
  }
}

export class UnknownModelError extends Error {}

function explainCycle(cycle: Cycle, txns: Txn[]) {
  const name = (id: number) => `T${txns[id]!.op.index}`;
  const kind = (type: number) =>
    ({ [WW]: 'ww', [WR]: 'wr', [RW]: 'rw', [PROCESS]: 'process', [REALTIME]: 'realtime' })[type];
  const chain = cycle.nodes
    .map((id, i) => `${name(id)} -${kind(cycle.edges[i]!.type)}(${cycle.edges[i]!.key})->`)
    .join(' ');
  return {
    cycle: `${chain} ${name(cycle.nodes[0]!)}`,
    txns: cycle.nodes.map((id) => show(txns[id]!)),
    explanation: cycle.edges.map((e, i) => {
      const [a, b] = [name(cycle.nodes[i]!), name(e.to)];
      if (e.type === PROCESS) return `${a} came before ${b} in process ${e.key}'s session`;
      if (e.type === REALTIME) return `${a} completed before ${b} began`;
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

/** The list with each element's first occurrence only. */
function dedupe(list: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const k = JSON.stringify(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Whether `list` ends with `tail`. */
function endsWith(list: readonly unknown[], tail: readonly unknown[]): boolean {
  return tail.length <= list.length && sameList(list.slice(list.length - tail.length), tail);
}

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

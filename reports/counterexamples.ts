import { esc } from './escape.ts';

/**
 * Counterexamples drawn, as Porcupine and Elle draw theirs: static SVG in
 * the report (no script needed), each beside the sentence that explains
 * it. Pure functions of a checker's evidence, tested on fixed examples.
 */

const WIDTH = 1100;
const LEFT = 96;
const LANE = 36;
const FONT = 'font-family="system-ui,sans-serif" font-size="12"';

/** An op as the linearizable checker quotes it (times in ms on the run clock). */
export interface ShownOp {
  process: number | string;
  f: string;
  value?: unknown;
  returned?: unknown;
  invokedMs: number;
  completedMs: number | null;
  index?: number;
}

export interface LinearizabilityExample {
  explanation: string;
  stuck: ShownOp;
  concurrent: ShownOp[];
  before: ShownOp[];
  state?: unknown;
}

const opLabel = (op: ShownOp) =>
  op.f === 'read'
    ? `read → ${JSON.stringify(op.returned)}`
    : op.f === 'cas'
      ? `cas ${JSON.stringify(op.value)}${op.returned === 'unknown' ? ' ?' : ''}`
      : `${op.f} ${JSON.stringify(op.value)}`;

/**
 * A key's ops on process lanes: each op a bar from invocation to
 * completion; the longest linearization found numbered in its order, the
 * op that could not be placed in red, the ops concurrent with it in amber.
 */
export function linearizabilitySvg(key: string, example: LinearizabilityExample): string {
  const ops = [
    ...example.before.map((op, i) => ({ op, kind: 'placed' as const, order: i + 1 })),
    ...example.concurrent.map((op) => ({ op, kind: 'concurrent' as const, order: 0 })),
    { op: example.stuck, kind: 'stuck' as const, order: 0 },
  ];
  // The same op may be quoted twice (placed and concurrent): draw it once, as placed.
  const seen = new Set<string>();
  const unique = ops.filter(({ op }) => {
    const id = `${op.index ?? ''}/${op.process}/${op.invokedMs}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  // Positions by the order of events, not their times (as Knossos draws
  // them): an op of microseconds beside one of seconds stays readable, and
  // what matters, which ops overlap, is exact. Times are in each tooltip.
  const events = unique
    .flatMap((o, i) => [
      { i, at: o.op.invokedMs, end: 0, order: o.op.index ?? i },
      ...(o.op.completedMs === null
        ? []
        : [{ i, at: o.op.completedMs, end: 1, order: o.op.index ?? i }]),
    ])
    // Ties (times equal to the µs) fall back on the history's order.
    .sort((a, b) => a.at - b.at || a.order - b.order || a.end - b.end);
  const slot = new Map(events.map((e, n) => [`${e.i}/${e.end}`, n]));
  const times = events.map((e) => e.at);
  const start = times[0]!;
  const step = (WIDTH - LEFT - 10) / (events.length + 1);
  const x = (i: number, end: 0 | 1) => LEFT + 4 + slot.get(`${i}/${end}`)! * step;
  const last = times.at(-1)!;
  const processes = [...new Set(unique.map((o) => String(o.op.process)))].sort(
    (a, b) => Number(a) - Number(b) || a.localeCompare(b),
  );
  const lane = (p: unknown) => 24 + processes.indexOf(String(p)) * LANE;
  const colours = {
    placed: ['#dbeafe', '#2563eb'],
    concurrent: ['#fef3c7', '#d97706'],
    stuck: ['#fee2e2', '#dc2626'],
  };
  const bars = unique.map(({ op, kind, order }, i) => {
    const x0 = x(i, 0);
    const x1 = op.completedMs === null ? WIDTH - 10 : Math.max(x0 + 3, x(i, 1));
    const [fill, stroke] = colours[kind];
    const y = lane(op.process);
    const text = `${order ? `${order}. ` : ''}${opLabel(op)}${op.completedMs === null ? ' (no reply)' : ''}`;
    return `<g><title>${esc(`${text} · process ${op.process} · ${op.invokedMs} → ${op.completedMs ?? '∞'} ms${op.index !== undefined ? ` · op ${op.index}` : ''}`)}</title>
<rect x="${f(x0)}" y="${y}" width="${f(x1 - x0)}" height="${LANE - 10}" rx="3" fill="${fill}" stroke="${stroke}"${op.completedMs === null ? ' stroke-dasharray="4 3"' : ''} stroke-width="${kind === 'stuck' ? 2 : 1}"/>
<text x="${f(x0 + 4)}" y="${y + 17}" ${FONT} fill="#1d2330">${esc(text)}</text></g>`;
  });
  const height = 24 + processes.length * LANE + 26;
  const labels = processes.map(
    (p) =>
      `<text x="4" y="${lane(p) + 17}" ${FONT} fill="#5b6474">process ${esc(p)}</text><line x1="${LEFT}" x2="${WIDTH - 10}" y1="${lane(p) + LANE - 5}" y2="${lane(p) + LANE - 5}" stroke="#eef0f3"/>`,
  );
  const axis = `<text x="${LEFT}" y="${height - 6}" ${FONT} fill="#5b6474">${f(start)} ms</text><text x="${WIDTH - 10}" y="${height - 6}" ${FONT} fill="#5b6474" text-anchor="end">${f(last)} ms on the run clock (invocations and completions in order, not to scale)</text>`;
  const legend = `<text x="${LEFT}" y="14" ${FONT} fill="#5b6474">key ${esc(key)}: <tspan fill="#2563eb">■</tspan> longest linearization found, in order · <tspan fill="#dc2626">■</tspan> the op that cannot take effect next · <tspan fill="#d97706">■</tspan> ops concurrent with it · dashed: no reply</text>`;
  return figure(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${esc(`linearizability counterexample on key ${key}`)}">${legend}${labels.join('')}${bars.join('')}${axis}</svg>`,
    example.explanation,
  );
}

/** A transaction as list-append's evidence quotes it. */
export interface CycleTxn {
  name: string;
  process: number | string;
  status?: string;
  timeMs: number;
  ops: unknown[];
}

export interface CycleExample {
  cycle: string;
  txns: CycleTxn[];
  explanation: string[];
}

const EDGE_COLOURS: Record<string, string> = {
  ww: '#2563eb',
  wr: '#16a34a',
  rw: '#dc2626',
  process: '#6b7280',
  realtime: '#9333ea',
};

/**
 * An Elle cycle: its transactions on their processes' lanes in time order,
 * each dependency an arrow from one to the next, coloured and labelled by
 * kind (ww, wr, rw, process, realtime) and key, explained below.
 */
export function cycleSvg(type: string, example: CycleExample): string {
  const edges = [...example.cycle.matchAll(/-(\w+)\(([^)]*)\)->/g)].map((m) => ({
    kind: m[1]!,
    key: m[2]!,
  }));
  const txns = example.txns;
  const processes = [...new Set(txns.map((t) => String(t.process)))];
  const order = [...txns.keys()].sort((a, b) => txns[a]!.timeMs - txns[b]!.timeMs);
  const box = 190;
  const gap = Math.max(
    30,
    Math.min(120, (WIDTH - LEFT - txns.length * box) / Math.max(1, txns.length)),
  );
  const xOf = (i: number) => LEFT + order.indexOf(i) * (box + gap);
  const laneHeight = 58;
  const yOf = (i: number) => 40 + processes.indexOf(String(txns[i]!.process)) * laneHeight;
  const width = Math.max(WIDTH, LEFT + txns.length * (box + gap));
  const height = 40 + processes.length * laneHeight + 60 + edges.length * 18;
  const boxes = txns.map((t, i) => {
    const ops = t.ops.map((op) => microOp(op)).join(' ');
    return `<g><title>${esc(`${t.name} · process ${t.process} · ${t.timeMs} ms · ${JSON.stringify(t.ops)}`)}</title>
<rect x="${xOf(i)}" y="${yOf(i)}" width="${box}" height="40" rx="4" fill="#fff" stroke="#334155"/>
<text x="${xOf(i) + 6}" y="${yOf(i) + 15}" ${FONT} font-weight="600" fill="#1d2330">${esc(t.name)}${t.status && t.status !== 'ok' ? ` (${esc(t.status)})` : ''}</text>
<text x="${xOf(i) + 6}" y="${yOf(i) + 32}" ${FONT} fill="#334155">${esc(clip(ops, 30))}</text></g>`;
  });
  const arrows = edges.map((e, i) => {
    const from = i;
    const to = (i + 1) % txns.length;
    const colour = EDGE_COLOURS[e.kind] ?? '#334155';
    const [x1, y1] = [xOf(from) + box / 2, yOf(from) + 40];
    const [x2, y2] = [xOf(to) + box / 2, yOf(to) + 40];
    // Each arrow bends below the boxes, deeper the further it spans, so none hides another.
    const depth = 26 + Math.abs(order.indexOf(to) - order.indexOf(from)) * 8 + i * 18;
    const mid = Math.max(y1, y2) + depth;
    // A cubic with both control points at `mid` bottoms out three quarters of the way down.
    const low = Math.max(y1, y2) + depth * 0.75;
    return `<path d="M${f(x1 - 6)},${y1} C${f(x1 - 6)},${mid} ${f(x2 + 6)},${mid} ${f(x2 + 6)},${y2 + 2}" fill="none" stroke="${colour}" stroke-width="1.8" marker-end="url(#arrow-${e.kind})"/>
<text x="${f((x1 + x2) / 2)}" y="${f(low + 14)}" ${FONT} fill="${colour}" text-anchor="middle">${esc(`${e.kind} ${e.key}`)}</text>`;
  });
  const markers = Object.entries(EDGE_COLOURS)
    .map(
      ([kind, colour]) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`,
    )
    .join('');
  const labels = processes.map(
    (p, i) =>
      `<text x="4" y="${40 + i * laneHeight + 24}" ${FONT} fill="#5b6474">process ${esc(p)}</text>`,
  );
  const title = `<text x="${LEFT}" y="18" ${FONT} fill="#5b6474">${esc(type)}: transactions in time order on their processes' lanes; each arrow a dependency (ww, wr, rw, process, realtime) on the key named</text>`;
  return figure(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(`${type} cycle`)}"><defs>${markers}</defs>${title}${labels.join('')}${boxes.join('')}${arrows.join('')}</svg>`,
    `${example.cycle}: ${example.explanation.join('; ')}.`,
  );
}

/** Elle's micro-op in a few characters: `a x 3`, `r y [1 2]`. */
function microOp(op: unknown): string {
  if (!Array.isArray(op)) return JSON.stringify(op);
  const [f, k, v] = op as [string, unknown, unknown];
  const value = Array.isArray(v) ? `[${v.join(' ')}]` : v === null ? 'nil' : String(v);
  return `${f === 'append' ? 'a' : f} ${String(k)} ${value}`;
}

export interface LostWriteExample {
  write?: { time?: number; key?: unknown; value?: unknown; node?: unknown; process?: unknown };
  /** ns on the run clock. */
  invokedAt: number;
  finalRead?: { time?: number; value?: unknown; node?: unknown };
}

/**
 * A lost write on the run's timeline: the fault windows, the write from
 * its invocation to its acknowledgement, and the final read that did not
 * see it, with the sentence that says so.
 */
export function lostWriteSvg(
  example: LostWriteExample,
  /** Fault windows, seconds from the run phase's start. */
  faults: { fault: string; nodes: string[]; start: number; end: number | null }[],
  runStartNs: number,
  durationS: number,
): string {
  const s = (ns: number | undefined) => (ns === undefined ? undefined : (ns - runStartNs) / 1e9);
  const invoked = s(example.invokedAt)!;
  const acked = s(example.write?.time) ?? invoked;
  const read = s(example.finalRead?.time);
  const end = Math.max(durationS, read ?? 0, acked) * 1.04;
  const x = (sec: number) => LEFT + (Math.max(0, sec) / end) * (WIDTH - LEFT - 10);
  const bands = faults.map((w) => {
    const x0 = x(w.start);
    const x1 = x(w.end ?? durationS);
    return `<rect x="${f(x0)}" y="20" width="${f(Math.max(2, x1 - x0))}" height="64" fill="rgba(220,38,38,0.12)"/><text x="${f(x0 + 3)}" y="32" ${FONT} fill="#7f1d1d">${esc(`${w.fault} ${w.nodes.join(',')}`)}</text>`;
  });
  const during = faults.find((w) => w.start <= acked && acked <= (w.end ?? durationS));
  const key = example.write?.key;
  const node = example.write?.node;
  const marks = [
    `<line x1="${f(x(invoked))}" x2="${f(Math.max(x(invoked) + 2, x(acked)))}" y1="56" y2="56" stroke="#2563eb" stroke-width="6"/><text x="${f(x(acked) + 6)}" y="52" ${FONT} fill="#1d4ed8">${esc(`write ${JSON.stringify(example.write?.value)} acknowledged${node ? ` by ${node}` : ''}`)}</text>`,
    read === undefined
      ? ''
      : `<circle cx="${f(x(read))}" cy="74" r="5" fill="#dc2626"/><text x="${f(x(read) - 8)}" y="78" ${FONT} fill="#b42318" text-anchor="end">${esc(`final read → ${clip(JSON.stringify(example.finalRead?.value), 40)}`)}</text>`,
    `<line x1="${LEFT}" x2="${f(x(durationS))}" y1="92" y2="92" stroke="#94a3b8"/><text x="${LEFT}" y="108" ${FONT} fill="#5b6474">0 s</text><text x="${f(x(durationS))}" y="108" ${FONT} fill="#5b6474" text-anchor="end">${f(durationS)} s: run phase ends</text>`,
  ];
  const sentence = `The write of ${JSON.stringify(example.write?.value)} to ${String(key)} was acknowledged${node ? ` by ${node}` : ''} at ${f(acked)} s${during ? `, during ${during.fault} ${during.nodes.join(',')} (${f(during.start)}–${f(during.end ?? durationS)} s)` : ''}; the final read${read !== undefined ? ` at ${f(read)} s` : ''} returned ${JSON.stringify(example.finalRead?.value)}, which holds neither it nor a later write.`;
  return figure(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} 116" width="100%" role="img" aria-label="${esc(`lost write to ${String(key)}`)}"><text x="4" y="60" ${FONT} fill="#5b6474">${esc(clip(String(key), 12))}</text>${bands.join('')}${marks.join('')}</svg>`,
    sentence,
  );
}

function figure(svg: string, caption: string): string {
  return `<figure class="counterexample">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function f(n: number): string {
  return String(Math.round(n * 100) / 100);
}

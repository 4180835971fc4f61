/**
 * The dependency graph between transactions, and the cycle search Elle
 * does on it: strongly connected components (Tarjan, iterative so a long
 * chain cannot overflow the stack), then in each component the shortest
 * cycle of the weakest anomaly class it holds.
 */

export const WW = 1;
export const WR = 2;
export const RW = 4;
/** The same process's (session's) next transaction. */
export const PROCESS = 8;
/** A transaction that began after this one had completed. */
export const REALTIME = 16;
export type EdgeType = typeof WW | typeof WR | typeof RW | typeof PROCESS | typeof REALTIME;

export interface Edge {
  to: number;
  type: EdgeType;
  key: string;
}

export class DependencyGraph {
  readonly out: Edge[][] = [];

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.out.push([]);
  }

  add(from: number, to: number, type: EdgeType, key: string): void {
    if (from === to) return;
    const edges = this.out[from]!;
    if (!edges.some((e) => e.to === to && e.type === type)) edges.push({ to, type, key });
  }

  /**
   * Strongly connected components with more than one node, over the edges
   * whose type is in `allowed`, among `within` (default: every node).
   */
  components(allowed = WW | WR | RW, within?: Set<number>): number[][] {
    const index = new Int32Array(this.size).fill(-1);
    const low = new Int32Array(this.size);
    const onStack = new Uint8Array(this.size);
    const stack: number[] = [];
    const result: number[][] = [];
    let counter = 0;
    const roots = within ? [...within] : Array.from({ length: this.size }, (_, i) => i);
    for (const root of roots) {
      if (index[root] !== -1) continue;
      // Explicit DFS stack of (node, next edge to visit).
      const work: [number, number][] = [[root, 0]];
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = 1;
      while (work.length > 0) {
        const frame = work[work.length - 1]!;
        const [v, i] = frame;
        const edges = this.out[v]!;
        if (i < edges.length) {
          frame[1]++;
          const w = edges[i]!.to;
          if (!(edges[i]!.type & allowed) || (within && !within.has(w))) continue;
          if (index[w] === -1) {
            index[w] = low[w] = counter++;
            stack.push(w);
            onStack[w] = 1;
            work.push([w, 0]);
          } else if (onStack[w]) {
            low[v] = Math.min(low[v]!, index[w]!);
          }
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1]![0];
          low[parent] = Math.min(low[parent]!, low[v]!);
        }
        if (low[v] === index[v]) {
          const component: number[] = [];
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = 0;
            component.push(w);
          } while (w !== v);
          if (component.length > 1) result.push(component);
        }
      }
    }
    return result;
  }

  /**
   * The shortest path from `from` to `to` inside `nodes`, using edges whose
   * type is in `allowed`; undefined when there is none.
   */
  shortestPath(from: number, to: number, nodes: Set<number>, allowed: number): Edge[] | undefined {
    const previous = new Map<number, { node: number; edge: Edge }>();
    const queue = [from];
    const seen = new Set([from]);
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!;
      for (const edge of this.out[v]!) {
        if (!(edge.type & allowed) || !nodes.has(edge.to)) continue;
        if (edge.to === to) {
          const path = [edge];
          for (let at = v; at !== from; ) {
            const step = previous.get(at)!;
            path.unshift(step.edge);
            at = step.node;
          }
          return path;
        }
        if (seen.has(edge.to)) continue;
        seen.add(edge.to);
        previous.set(edge.to, { node: v, edge });
        queue.push(edge.to);
      }
    }
    return undefined;
  }
}

export type CycleAnomaly = 'G0' | 'G1c' | 'G-single' | 'G-nonadjacent' | 'G2-item';

export interface Cycle {
  /** A CycleAnomaly, suffixed `-process` or `-realtime` when it needs those edges. */
  type: string;
  /** Nodes in order; edges[i] goes from nodes[i] to nodes[i+1] (wrapping). */
  nodes: number[];
  edges: Edge[];
}

/** Tries at most this many rw edges for G-single (and G-nonadjacent) in one component. */
const RW_TRIES = 2000;

/**
 * The weakest anomaly a component holds, as Elle classifies: a cycle of
 * write-write edges only (G0); of ww and wr (G1c); with exactly one
 * anti-dependency rw (G-single); with two or more, no two of them adjacent
 * (G-nonadjacent: what snapshot isolation proscribes, Cerone & Gotsman
 * 2016); else with adjacent ones (G2-item). Whether a
 * G0 or G1c cycle exists is exact (components of the restricted graph);
 * the cycle shown is the shortest through one node of it.
 */
export function classifyComponent(
  graph: DependencyGraph,
  component: number[],
  extra = 0,
  suffix = '',
): Cycle {
  const nodes = new Set(component);
  // Weakest first; each class without the extra (session, real-time) edges
  // before it with them.
  const variants = (type: string, edges: number): [string, number][] =>
    extra
      ? [
          [type, edges],
          [`${type}${suffix}`, edges | extra],
        ]
      : [[type, edges]];
  for (const [type, allowed] of [...variants('G0', WW), ...variants('G1c', WW | WR)]) {
    const sub = graph.components(allowed, nodes)[0];
    if (sub) return cycleThrough(graph, sub[0]!, new Set(sub), allowed, type);
  }
  for (const [type, back] of variants('G-single', WW | WR)) {
    const single = singleRw(graph, component, nodes, back, type);
    if (single) return single;
  }
  for (const [type, other] of variants('G-nonadjacent', WW | WR)) {
    const nonadjacent = nonadjacentRw(graph, component, nodes, other, type);
    if (nonadjacent) return nonadjacent;
  }
  const base = graph.components(WW | WR | RW, nodes)[0];
  if (base) return cycleThrough(graph, base[0]!, new Set(base), WW | WR | RW, 'G2-item');
  return cycleThrough(graph, component[0]!, nodes, WW | WR | RW | extra, `G2-item${suffix}`);
}

/** Exactly one rw: an rw edge a→b closed by a path b ⇝ a over `back` edges. */
function singleRw(
  graph: DependencyGraph,
  component: number[],
  nodes: Set<number>,
  back: number,
  type: string,
): Cycle | undefined {
  return shortestThroughRw(graph, component, nodes, type, (b, a) =>
    graph.shortestPath(b, a, nodes, back),
  );
}

/**
 * Two or more rw edges, never two in a row: an rw edge a→b closed by a
 * path b ⇝ a that starts and ends with an `other` edge and never takes two
 * rw edges in a row. Searched breadth-first over (node, came by rw) pairs.
 */
function nonadjacentRw(
  graph: DependencyGraph,
  component: number[],
  nodes: Set<number>,
  other: number,
  type: string,
): Cycle | undefined {
  return shortestThroughRw(graph, component, nodes, type, (b, a) => {
    const path = alternatingPath(graph, b, a, nodes, other);
    return path?.some((e) => e.type === RW) ? path : undefined;
  });
}

/**
 * The shortest cycle of an rw edge a→b (at most RW_TRIES of them) and the
 * path b ⇝ a that `close` finds for it.
 */
function shortestThroughRw(
  graph: DependencyGraph,
  component: number[],
  nodes: Set<number>,
  type: string,
  close: (from: number, to: number) => Edge[] | undefined,
): Cycle | undefined {
  let best: Cycle | undefined;
  let tries = 0;
  for (const a of component) {
    for (const edge of graph.out[a]!) {
      if (edge.type !== RW || !nodes.has(edge.to) || tries++ > RW_TRIES) continue;
      const path = close(edge.to, a);
      if (path && (!best || path.length + 1 < best.edges.length)) {
        best = toCycle(type, a, [edge, ...path]);
        // Two edges: none shorter can be found.
        if (path.length === 1) return best;
      }
    }
  }
  return best;
}

/**
 * The shortest path from `from` (entered by an rw edge) to `to` (entered by
 * an `other` edge) inside `nodes` on which no rw edge follows another.
 */
function alternatingPath(
  graph: DependencyGraph,
  from: number,
  to: number,
  nodes: Set<number>,
  other: number,
): Edge[] | undefined {
  // State s = node * 2 + (1 when entered by an rw edge).
  const start = from * 2 + 1;
  const previous = new Map<number, { state: number; edge: Edge }>();
  const queue = [start];
  const seen = new Set([start]);
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const v = state >> 1;
    const cameByRw = state & 1;
    for (const edge of graph.out[v]!) {
      if (!nodes.has(edge.to)) continue;
      const isRw = edge.type === RW;
      if (isRw ? cameByRw : !(edge.type & other)) continue;
      const next = edge.to * 2 + (isRw ? 1 : 0);
      if (seen.has(next)) continue;
      seen.add(next);
      previous.set(next, { state, edge });
      if (next === to * 2) {
        const path: Edge[] = [];
        for (let at = next; at !== start; ) {
          const step = previous.get(at)!;
          path.unshift(step.edge);
          at = step.state;
        }
        return path;
      }
      queue.push(next);
    }
  }
  return undefined;
}

/** The shortest cycle through `v` inside `nodes` (a strongly connected set). */
function cycleThrough(
  graph: DependencyGraph,
  v: number,
  nodes: Set<number>,
  allowed: number,
  type: string,
): Cycle {
  let best: Edge[] | undefined;
  for (const edge of graph.out[v]!) {
    if (!(edge.type & allowed) || !nodes.has(edge.to)) continue;
    const back = graph.shortestPath(edge.to, v, nodes, allowed);
    if (back && (!best || back.length + 1 < best.length)) best = [edge, ...back];
  }
  return toCycle(type, v, best!);
}

function toCycle(type: string, start: number, edges: Edge[]): Cycle {
  const nodes = [start];
  for (const edge of edges.slice(0, -1)) nodes.push(edge.to);
  return { type, nodes, edges };
}

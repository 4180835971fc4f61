import { type Rng, shuffle } from '../core/rng.ts';

/**
 * Partition shapes, as the pairs of nodes that must not talk (both ways).
 * Pure functions of the node list and a random stream, so a seed repeats them.
 */
export type Cut = [string, string];

export const SHAPES = [
  'isolate',
  'halves',
  'majority-ring',
  'bridge',
  'primary',
  'primaries',
] as const;
export type Shape = (typeof SHAPES)[number];

/**
 * `primaries`: the nodes the system reports as its current leaders, for the
 * `primary` shape (one of them, at random, alone) and the `primaries` shape
 * (each one alone, the rest together).
 */
export function cutsFor(
  shape: Shape,
  nodes: readonly string[],
  rng: Rng,
  primaries: readonly string[] = [],
): Cut[] {
  if (nodes.length < 2) return [];
  const order = shuffle(nodes, rng);
  switch (shape) {
    case 'primary': {
      const leaders = order.filter((n) => primaries.includes(n));
      return leaders.length
        ? between(
            [leaders[0]!],
            order.filter((n) => n !== leaders[0]),
          )
        : [];
    }
    case 'primaries': {
      const leaders = nodes.filter((n) => primaries.includes(n));
      const cuts = leaders.flatMap((p, i) => leaders.slice(i + 1).map((q): Cut => [p, q]));
      return [
        ...cuts,
        ...between(
          leaders,
          nodes.filter((n) => !leaders.includes(n)),
        ),
      ];
    }
    case 'isolate':
      return between([order[0]!], order.slice(1));
    case 'halves': {
      const half = Math.floor(order.length / 2);
      return between(order.slice(0, half), order.slice(half));
    }
    case 'bridge': {
      // One node sees both halves; the halves do not see each other.
      const rest = order.slice(1);
      const half = Math.floor(rest.length / 2);
      return between(rest.slice(0, half), rest.slice(half));
    }
    case 'majority-ring': {
      // Each node sees the nearest nodes on a ring, enough for a majority
      // with itself, and no two nodes see the same majority.
      const n = order.length;
      const reach = Math.ceil(Math.floor(n / 2) / 2);
      const cuts: Cut[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const distance = Math.min(j - i, n - (j - i));
          if (distance > reach) cuts.push([order[i]!, order[j]!]);
        }
      }
      return cuts;
    }
  }
}

/** Who each node can still reach, for the history and the report. */
export function describeCuts(
  nodes: readonly string[],
  cuts: readonly Cut[],
): Record<string, string[]> {
  const blocked = (a: string, b: string) =>
    cuts.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  return Object.fromEntries(nodes.map((a) => [a, nodes.filter((b) => b !== a && !blocked(a, b))]));
}

function between(a: readonly string[], b: readonly string[]): Cut[] {
  return a.flatMap((x) => b.map((y): Cut => [x, y]));
}

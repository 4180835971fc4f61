/**
 * Which side of a partition holds a system's quorum, as the system itself
 * defines it. A CP system may serve only where it holds its quorum; an
 * even split of the nodes is not a minority on both sides, and a
 * leaderless store's quorum is per key. The rule is asked of the cluster
 * at the cut, recorded with the partition, and read back by the
 * availability checker: pure functions of that record, so a history
 * carries everything its verdict rests on.
 */

export type QuorumRule = MajorityRule | ReplicasRule;

/** A side holds the quorum when it holds more than half of `members`. */
export interface MajorityRule {
  rule: 'majority';
  /** What is counted, for the record: "masters", "nodes", "voters". */
  of: string;
  members: string[];
  /** Who follows each member (a Redis master's replicas), for the record. */
  followers?: Record<string, string[]>;
  /**
   * How long the system takes, by its own settings, to notice that a side
   * lost (or won) the quorum: Redis's cluster-node-timeout, Galera's
   * inactive timeout. Ops invoked within it are reported apart.
   */
  graceMs: number;
}

/**
 * Leaderless (Dynamo, Cassandra): the op's coordinator (the node its worker
 * is pinned to) may serve a key when it reaches enough of the key's
 * replicas, itself included, for the level used.
 */
export interface ReplicasRule {
  rule: 'replicas';
  /** Replicas per key (N, the replication factor). */
  replicas: number;
  /** Replicas a read needs (R, or the consistency level's count). */
  read: number;
  /** Replicas a write, add or cas needs. */
  write: number;
  /** The level as the system names it ("QUORUM", "R=2 W=2"). */
  level: string;
  /**
   * Each key's replicas, for the keys in play at the cut, when not every
   * node holds every key; absent when every node does.
   */
  placement?: Record<string, string[]>;
  /**
   * Sloppy quorum (Dynamo): any nodes a coordinator reaches stand in for
   * the replicas it does not, so a side needs enough nodes, not the key's
   * own replicas; no placement then.
   */
  sloppy?: boolean;
  graceMs: number;
}

/**
 * More than half of the nodes: Galera's primary component, a replica set's
 * voters (every member votes), a pair that has none.
 */
export function nodeMajority(
  nodes: readonly { id: string }[],
  graceMs: number,
  of = 'nodes',
): MajorityRule {
  return { rule: 'majority', of, members: nodes.map((n) => n.id), graceMs };
}

/** One side of a cut as recorded: its nodes and whether it holds the quorum. */
export interface Side {
  nodes: string[];
  /** null: it depends on the key (a leaderless store), or cannot be told. */
  quorum: boolean | null;
  why: string;
}

/** `sees`: who each node still reaches (the partition record's `sees`). */
export type Sees = Record<string, readonly string[]>;

/**
 * The sides of a cut: groups of nodes that reach one another. A shape whose
 * views overlap (a bridge, a majority ring) has no clean sides: a node may
 * reach two groups that do not reach each other.
 */
export function sidesOf(sees: Sees): { sides: string[][]; overlapping: boolean } {
  const ids = Object.keys(sees);
  const seen = new Set<string>();
  const sides: string[][] = [];
  for (const id of ids) {
    if (seen.has(id)) continue;
    const side: string[] = [];
    const stack = [id];
    seen.add(id);
    while (stack.length > 0) {
      const node = stack.pop()!;
      side.push(node);
      for (const next of sees[node] ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    sides.push(ids.filter((n) => side.includes(n)));
  }
  const overlapping = sides.some((side) =>
    side.some((n) => (sees[n]?.length ?? 0) !== side.length - 1),
  );
  return { sides, overlapping };
}

/** The recorded sides, each with its quorum and why, in words a report can show. */
export function describeSides(rule: QuorumRule | undefined, sees: Sees): Side[] {
  const { sides, overlapping } = sidesOf(sees);
  return sides.map((nodes) => {
    if (!rule) return { nodes, quorum: null, why: 'the system declares no quorum' };
    if (rule.rule === 'replicas') {
      const why = rule.placement
        ? `per key: a coordinator here needs ${needWords(rule)} of the key's ${rule.replicas} replicas (${rule.level})`
        : rule.sloppy
          ? `${nodes.length} node(s) here to stand in for every key's ${rule.replicas} replicas; a sloppy quorum needs ${needWords(rule)} (${rule.level})`
          : `holds ${Math.min(nodes.length, rule.replicas)} of every key's ${rule.replicas} replicas; needs ${needWords(rule)} (${rule.level})`;
      return { nodes, quorum: rule.placement ? null : sideQuorum(rule, nodes.length), why };
    }
    if (overlapping)
      return { nodes, quorum: null, why: 'views overlap (no clean sides): cannot be told' };
    const held = rule.members.filter((m) => nodes.includes(m));
    const quorum = held.length * 2 > rule.members.length;
    return {
      nodes,
      quorum,
      why: `${held.length} of ${rule.members.length} ${rule.of}${held.length ? `: ${held.join(', ')}` : ''}`,
    };
  });
}

/**
 * For one partition: whether an op's node held the quorum the op needs:
 * true, false, or null when the record cannot tell (no rule, overlapping
 * views, a key the placement does not list). Computed once per partition,
 * then asked per op.
 */
export function quorumOf(
  rule: QuorumRule | undefined,
  sees: Sees,
): (op: { node?: string; f: string; key?: string }) => boolean | null {
  if (!rule) return () => null;
  if (rule.rule === 'majority') {
    const byNode = new Map(
      describeSides(rule, sees).flatMap((s) => s.nodes.map((n) => [n, s.quorum] as const)),
    );
    return (op) => (op.node === undefined ? null : (byNode.get(op.node) ?? null));
  }
  const views = new Map(Object.entries(sees).map(([n, reach]) => [n, new Set([n, ...reach])]));
  return (op) => {
    const view = op.node === undefined ? undefined : views.get(op.node);
    if (!view) return null;
    const need = needOf(rule, op.f);
    if (!rule.placement) return Math.min(view.size, rule.replicas) >= need;
    const replicas = op.key === undefined ? undefined : rule.placement[op.key];
    if (!replicas) return null;
    return replicas.filter((r) => view.has(r)).length >= need;
  };
}

/** Reads need R; a read-modify-write both; everything else W. */
function needOf(rule: ReplicasRule, f: string): number {
  if (f === 'read' || f === 'scan') return rule.read;
  if (f === 'rmw') return Math.max(rule.read, rule.write);
  return rule.write;
}

/** Without placement: a side of `size` nodes holds min(size, N) replicas of every key. */
function sideQuorum(rule: ReplicasRule, size: number): boolean | null {
  const held = Math.min(size, rule.replicas);
  const reads = held >= rule.read;
  const writes = held >= rule.write;
  return reads === writes ? reads : null;
}

function needWords(rule: ReplicasRule): string {
  return rule.read === rule.write ? `${rule.read}` : `${rule.read} to read, ${rule.write} to write`;
}

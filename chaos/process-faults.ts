import type { Cluster } from '../core/contracts.ts';
import { type Rng, shuffle } from '../core/rng.ts';
import type { FaultRecord, Nemesis } from './types.ts';

/** How many nodes a process fault hits: one, a minority, a majority, or all. */
export const SCOPES = ['one', 'minority', 'majority', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

export function scopeSize(scope: Scope, nodes: number): number {
  switch (scope) {
    case 'one':
      return 1;
    case 'minority':
      return Math.max(1, Math.floor((nodes - 1) / 2));
    case 'majority':
      return Math.floor(nodes / 2) + 1;
    case 'all':
      return nodes;
  }
}

interface Action {
  name: string;
  endName: string;
  inject: (cluster: Cluster, node: string) => Promise<void>;
  undo: (cluster: Cluster, node: string) => Promise<void>;
}

/** kill -9, then restart: the node comes back from its own disk. */
const KILL: Action = {
  name: 'kill',
  endName: 'restart',
  inject: (cluster, node) => cluster.kill(node),
  undo: (cluster, node) => cluster.start(node),
};

/**
 * SIGSTOP, then SIGCONT: a long GC pause or a stalled VM, a node that
 * accepts connections and never answers.
 */
const PAUSE: Action = {
  name: 'pause',
  endName: 'resume',
  inject: (cluster, node) => cluster.pause(node),
  undo: (cluster, node) => cluster.resume(node),
};

/**
 * A process fault on a random set of running nodes of the scope's size, all
 * at once: `kill-all` crashes the whole cluster together (a durability test).
 */
export class ProcessFault implements Nemesis {
  readonly name: string;
  readonly endName: string;
  private readonly affected = new Set<string>();

  constructor(
    private readonly action: Action,
    private readonly scope: Scope,
  ) {
    this.name = scope === 'one' ? action.name : `${action.name}-${scope}`;
    this.endName = action.endName;
  }

  /** Signals need no privilege beyond owning the processes. */
  blocker(): undefined {
    return undefined;
  }

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    const running = cluster.nodes.map((n) => n.id).filter((id) => cluster.isUp(id));
    const nodes = shuffle(running, rng).slice(0, scopeSize(this.scope, cluster.nodes.length));
    if (nodes.length === 0) throw new Error(`${this.name}: no running node to act on`);
    for (const node of nodes) this.affected.add(node);
    await Promise.all(nodes.map((node) => this.action.inject(cluster, node)));
    return { f: this.name, value: { nodes } };
  }

  async stop(cluster: Cluster): Promise<FaultRecord> {
    const nodes = [...this.affected];
    await Promise.all(nodes.map((node) => this.action.undo(cluster, node)));
    this.affected.clear();
    return { f: this.endName, value: { nodes } };
  }

  async heal(cluster: Cluster): Promise<void> {
    const nodes = [...this.affected];
    await Promise.all(nodes.map((node) => this.action.undo(cluster, node).catch(() => {})));
    this.affected.clear();
  }
}

export const PROCESS_FAULTS: Record<string, () => Nemesis> = Object.fromEntries(
  [KILL, PAUSE].flatMap((action) =>
    SCOPES.map((scope) => {
      const fault = () => new ProcessFault(action, scope);
      return [fault().name, fault];
    }),
  ),
);

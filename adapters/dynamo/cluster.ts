import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterMembership } from '../../core/contracts.ts';
import { waitUntil } from '../../core/processes.ts';
import type { ReplicasRule } from '../../core/quorum.ts';
import { tsNodeArgs } from '../../core/tsx.ts';
import { DynamoClient } from '../../dynamo/client.ts';
import { PhiAccrualDetector } from '../../dynamo/detector.ts';
import { STREAM_TIMEOUT_MS } from '../../dynamo/membership.ts';
import type { StatusResult } from '../../dynamo/protocol.ts';
import { Ring } from '../../dynamo/ring.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import type { DynamoSettings } from './settings.ts';

/** This system's loopback subnet: its nodes are 127.0.11.n (core/addresses.ts). */
export const SUBNET = 1;

const SERVER = fileURLToPath(new URL('../../dynamo/server.ts', import.meta.url));

/** A cluster of the built-in store: one `dynamo/server.ts` process per node. */
export class DynamoCluster extends NodeCluster {
  constructor(
    options: ProvisionOptions,
    private readonly settings: DynamoSettings,
  ) {
    super(options, { system: 'dynamo', subnet: SUBNET, port: settings.port });
    for (const node of this.nodes) mkdirSync(this.dir(node), { recursive: true });
  }

  async create(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
  }

  /** Nodes started as new members, until they have joined the ring. */
  private readonly joining = new Set<string>();

  /** Hinted handoff and anti-entropy at work, node by node, for the report. */
  readonly internals = {
    metrics: [
      { name: 'hintsPending', label: 'Hints held for owners not yet reached' },
      {
        name: 'hintsDelivered',
        label: 'Hints handed off to their owners (since the node started)',
      },
      { name: 'keysRepaired', label: 'Keys repaired by anti-entropy (since the node started)' },
    ],
    read: async (id: string): Promise<Record<string, number>> => {
      const { hints, antiEntropy } = await this.status(this.node(id));
      return {
        hintsPending: hints.pending,
        hintsDelivered: hints.delivered,
        keysRepaired: antiEntropy.keysRepaired,
      };
    },
  };

  /** Membership changes: on either provider, the store's own join and decommission. */
  get membership(): ClusterMembership | undefined {
    return {
      grow: () => this.grow(),
      shrink: (id) => this.shrink(id),
      minNodes: this.settings.n,
    };
  }

  protected command(node: NodeHandle) {
    const s = this.settings;
    const members = this.nodes.map((n) => `${n.id}=${n.host}:${n.port}`).join(',');
    const data = join(this.dir(node), 'data');
    return {
      program: process.execPath,
      args: [
        ...tsNodeArgs(SERVER),
        ...['--id', node.id, '--members', members, '--data', data],
        ...['--tokens', String(s.tokens), '--fsync', s.fsync],
        ...['--n', String(s.n), '--r', String(s.r), '--w', String(s.w)],
        ...['--replica-timeout-ms', String(s.replicaTimeoutMs)],
        ...['--sloppy-quorum', s.sloppyQuorum, '--conflicts', s.conflicts],
        ...['--read-repair', s.readRepair],
        ...['--anti-entropy-interval-ms', String(s.antiEntropyIntervalMs)],
        ...['--gossip-interval-ms', String(s.gossipIntervalMs)],
        ...['--phi-threshold', String(s.phiThreshold)],
        ...['--handoff-interval-ms', String(s.handoffIntervalMs)],
        // In a container the harness's PID means nothing; `faultline heal` ends those.
        ...(this.hostProcesses ? ['--parent-pid', String(process.pid)] : []),
        ...(this.joining.has(node.id) ? ['--join'] : []),
      ],
      marker: data,
    };
  }

  protected async ready(node: NodeHandle): Promise<boolean> {
    return (await this.status(node)).id === node.id;
  }

  /** A node's own status: its ring, its detector's view of the others, its hints. */
  async status(node: NodeHandle): Promise<StatusResult> {
    const client = new DynamoClient({ host: node.host, port: node.port, timeoutMs: 500 });
    try {
      return await client.status();
    } finally {
      client.close();
    }
  }

  /**
   * A coordinator serves a key when it reaches R (reads) or W (writes) of
   * the key's N replicas; with more nodes than N, each key's preference
   * list, from the same ring the nodes build.
   */
  async quorum(context: { keys: readonly string[] }): Promise<ReplicasRule> {
    const { n, r, w, tokens, sloppyQuorum, phiThreshold, gossipIntervalMs, coordination } =
      this.settings;
    const ids = this.nodes.map((node) => node.id);
    const sloppy = sloppyQuorum === 'on';
    // A sloppy quorum is any nodes up: no per-key placement to consult.
    const ring = n < ids.length && !sloppy ? new Ring(ids, tokens) : undefined;
    return {
      rule: 'replicas',
      replicas: Math.min(n, ids.length),
      read: r,
      write: w,
      level: `N=${n} R=${r} W=${w}${sloppy ? ' sloppy' : ''}`,
      ...(ring
        ? { placement: Object.fromEntries(context.keys.map((k) => [k, ring.preferenceList(k, n)])) }
        : {}),
      ...(sloppy ? { sloppy: true } : {}),
      // Until its detector convicts the peers it lost, a coordinating node
      // still waits on them; heartbeats arrive about every 1.5 gossip
      // intervals. A coordinating client has no detector: it asks a stand-in
      // once its request to a lost replica has failed (a connect that timed
      // out, or a request that did).
      graceMs: !sloppy
        ? 0
        : coordination === 'client'
          ? 2 * this.settings.replicaTimeoutMs
          : Math.ceil(PhiAccrualDetector.convictionMs(phiThreshold, gossipIntervalMs * 1.5)),
    };
  }

  /**
   * A new member: it starts with --join, takes its share of the data from
   * the others, and is done once every node routes by a ring with it.
   */
  private async grow(): Promise<string> {
    return this.joinNewNode(async (node) => {
      mkdirSync(this.dir(node), { recursive: true });
      this.joining.add(node.id);
      try {
        await this.start(node.id);
        await this.waitForRing(`${node.id} to join the ring`, (ring) => ring.includes(node.id));
      } finally {
        this.joining.delete(node.id);
      }
    });
  }

  /** Decommission: the node streams its data to the next owners and leaves; then it stops. */
  private async shrink(id: string): Promise<void> {
    const node = this.node(id);
    const client = new DynamoClient({ host: node.host, port: node.port });
    try {
      await client.decommission();
    } finally {
      client.close();
    }
    await this.waitForRing(`${id} to leave the ring`, (ring) => !ring.includes(id));
    await this.removeNode(id);
  }

  /** Until every running node routes by a ring that passes `check`. */
  private waitForRing(what: string, check: (ring: string[]) => boolean): Promise<void> {
    return waitUntil(
      what,
      async () => {
        for (const node of this.nodes.filter((n) => this.isUp(n.id))) {
          if (!check((await this.status(node)).ring)) return false;
        }
        return true;
      },
      STREAM_TIMEOUT_MS,
      100,
    );
  }

  /**
   * Settled: every running node routes by the ring of the cluster's members,
   * sees every other up, and has no hint left to hand off.
   */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'dynamo nodes to see one another up and hand off their hints',
      async () => {
        const up = new Set(this.nodes.filter((n) => this.isUp(n.id)).map((n) => n.id));
        const members = this.nodes.map((n) => n.id).sort();
        for (const node of this.nodes.filter((n) => up.has(n.id))) {
          const status = await this.status(node);
          if (status.ring.join() !== members.join()) return false;
          if (status.hints.pending > 0) return false;
          if (status.peers.some((p) => up.has(p.id) && (!p.up || p.generation === 0))) return false;
        }
        return true;
      },
      timeoutMs,
      250,
    );
  }
}

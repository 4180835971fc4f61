import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../core/processes.ts';
import type { ReplicasRule } from '../../core/quorum.ts';
import { tsNodeArgs } from '../../core/tsx.ts';
import { DynamoClient } from '../../dynamo/client.ts';
import { PhiAccrualDetector } from '../../dynamo/detector.ts';
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
    const { n, r, w, tokens, sloppyQuorum, phiThreshold, gossipIntervalMs } = this.settings;
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
      // Until its detector convicts the peers it lost, a coordinator still
      // waits on them; heartbeats arrive about every 1.5 gossip intervals.
      graceMs: sloppy
        ? Math.ceil(PhiAccrualDetector.convictionMs(phiThreshold, gossipIntervalMs * 1.5))
        : 0,
    };
  }

  /** Settled: every node up, every node sees every other up, and no hint is left to hand off. */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'dynamo nodes to see one another up and hand off their hints',
      async () => {
        const up = new Set(this.nodes.filter((n) => this.isUp(n.id)).map((n) => n.id));
        for (const node of this.nodes.filter((n) => up.has(n.id))) {
          const status = await this.status(node);
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

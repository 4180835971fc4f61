import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReplicasRule } from '../../core/quorum.ts';
import { tsNodeArgs } from '../../core/tsx.ts';
import { DynamoClient } from '../../dynamo/client.ts';
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
        // In a container the harness's PID means nothing; `faultline heal` ends those.
        ...(this.hostProcesses ? ['--parent-pid', String(process.pid)] : []),
      ],
      marker: data,
    };
  }

  protected async ready(node: NodeHandle): Promise<boolean> {
    const client = new DynamoClient({ host: node.host, port: node.port, timeoutMs: 500 });
    try {
      return (await client.status()).id === node.id;
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
    const { n, r, w, tokens } = this.settings;
    const ids = this.nodes.map((node) => node.id);
    const ring = n < ids.length ? new Ring(ids, tokens) : undefined;
    return {
      rule: 'replicas',
      replicas: Math.min(n, ids.length),
      read: r,
      write: w,
      level: `N=${n} R=${r} W=${w}`,
      ...(ring
        ? { placement: Object.fromEntries(context.keys.map((k) => [k, ring.preferenceList(k, n)])) }
        : {}),
      graceMs: 0,
    };
  }
}

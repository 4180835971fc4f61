import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Document, MongoClient } from 'mongodb';
import { waitUntil } from '../../core/processes.ts';
import { type MajorityRule, nodeMajority } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { SUBNET } from './cluster.ts';
import type { MongoSettings } from './settings.ts';

/** The replica set's name, in every member's `--replSet` and in the clients' URI. */
export const REPLICA_SET = 'rs0';
const FORM_TIMEOUT_MS = 120_000;
const ADMIN_TIMEOUT_MS = 2_000;
/** mongod's default `settings.electionTimeoutMillis`, which replicaSetConfig leaves as it is. */
const ELECTION_TIMEOUT_MS = 10_000;

/**
 * The replica set configuration `replSetInitiate` takes: every node a
 * voting member of equal priority, so any may be elected. Elections are
 * left at mongod's defaults (10 s election timeout), as users run them.
 */
export function replicaSetConfig(nodes: readonly NodeHandle[]): Document {
  return {
    _id: REPLICA_SET,
    members: nodes.map((n, i) => ({ _id: i, host: `${n.host}:${n.port}` })),
  };
}

/** What one member says of itself in `hello`: the replica set's view from there. */
export interface HelloReply {
  isWritablePrimary?: boolean;
  secondary?: boolean;
  setName?: string;
  hosts?: string[];
}

/** The member is formed: it is the primary or a secondary of this replica set. */
export function isMember(hello: HelloReply): boolean {
  return (
    hello.setName === REPLICA_SET && (hello.isWritablePrimary === true || hello.secondary === true)
  );
}

/**
 * MongoDB's replica set, as the official `mongo` image runs it: one mongod
 * per container (`--replSet`), each binding its own address; formed by
 * `replSetInitiate` on the first, then ready once one member is primary
 * and every other a secondary. mongod has no package in the registries
 * this machine reaches: this cluster runs on the docker provider with an
 * image that has it.
 */
export class MongoReplicaSet extends NodeCluster {
  constructor(
    options: ProvisionOptions,
    private readonly settings: MongoSettings,
  ) {
    super(options, { system: 'mongodb', subnet: SUBNET, port: settings.port });
    for (const node of this.nodes) mkdirSync(join(this.dir(node), 'data'), { recursive: true });
  }

  protected command(node: NodeHandle) {
    const data = join(this.dir(node), 'data');
    return {
      // The image's own, on its PATH.
      program: 'mongod',
      args: [
        ...['--replSet', REPLICA_SET, '--bind_ip', node.host, '--port', String(node.port)],
        ...['--dbpath', data, '--nounixsocket'],
        // A small cache: several members share one machine.
        ...['--wiredTigerCacheSizeGB', '0.25', '--oplogSize', '256'],
      ],
      marker: data,
    };
  }

  /** The process serves once `hello` answers (formed or not). */
  protected async ready(node: NodeHandle): Promise<boolean> {
    return (await this.hello(node)) !== undefined;
  }

  async create(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
    await this.admin(this.nodes[0]!, (db) =>
      db.command({ replSetInitiate: replicaSetConfig(this.nodes) }),
    );
    await this.settle(FORM_TIMEOUT_MS);
  }

  /** One primary and every other member up and a secondary (after a heal, an election may be under way). */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'mongodb: a primary and every other member a secondary',
      async () => {
        const replies = await Promise.all(this.nodes.map((n) => this.hello(n)));
        return (
          replies.every((r) => r !== undefined && isMember(r)) &&
          replies.filter((r) => r?.isWritablePrimary).length === 1
        );
      },
      timeoutMs,
      500,
    );
  }

  /** The members that say they are the writable primary (two, briefly, when a cut one has not stepped down). */
  async primaries(): Promise<string[]> {
    const replies = await Promise.all(
      this.nodes.map(async (n) => (this.isUp(n.id) ? this.hello(n) : undefined)),
    );
    return this.nodes.filter((_, i) => replies[i]?.isWritablePrimary).map((n) => n.id);
  }

  /**
   * A primary is elected, and a write acknowledged at w:majority, by a
   * majority of the voting members; a primary cut off from them steps
   * down only after the election timeout (mongod's default, 10 s): until
   * then the minority may still serve.
   */
  async quorum(): Promise<MajorityRule> {
    return nodeMajority(this.nodes, ELECTION_TIMEOUT_MS, 'voters');
  }

  /** The member's `hello`, or undefined if it does not answer in time. */
  private async hello(node: NodeHandle): Promise<HelloReply | undefined> {
    try {
      return (await this.admin(node, (db) => db.command({ hello: 1 }))) as HelloReply;
    } catch {
      return undefined;
    }
  }

  private async admin<T>(
    node: NodeHandle,
    command: (db: ReturnType<MongoClient['db']>) => Promise<T>,
  ): Promise<T> {
    const client = new MongoClient(`mongodb://${node.host}:${node.port}/`, {
      directConnection: true,
      serverSelectionTimeoutMS: ADMIN_TIMEOUT_MS,
      connectTimeoutMS: ADMIN_TIMEOUT_MS,
      socketTimeoutMS: this.settings.clientTimeoutMs + ADMIN_TIMEOUT_MS,
    });
    try {
      return await command(client.db('admin'));
    } finally {
      await client.close(true);
    }
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import type { ClusterMembership } from '../../core/contracts.ts';
import { acceptsConnections, waitUntil } from '../../core/processes.ts';
import { isLocalImage } from '../../core/provider.ts';
import type { ReplicasRule } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { adminClient, nodetoolArgs } from './admin.ts';
import { cassandraYaml, LOGBACK, PORTS } from './cassandra-yaml.ts';
import { cassandraLib, jammJar, javaBinary } from './engine.ts';
import { JAVA17_FLAGS } from './jvm.ts';
import { KEYSPACE, schema } from './schema.ts';
import type { CassandraSettings } from './settings.ts';

/** This system's loopback subnet: its nodes are 127.0.14.n (core/addresses.ts). */
export const SUBNET = 4;

const START_TIMEOUT_MS = 180_000;
const RING_DELAY_MS = 5000;
/** Decommission streams the node's every range away first. */
const DECOMMISSION_TIMEOUT_MS = 300_000;

/** Each node's JMX on its own local port (they would all take 7199), by its number: ids are never reused. */
const jmxPort = (node: NodeHandle) => 7100 + Number(node.id.slice(1));
/** faultline's image: Debian's Java 17, and the jars of faultline's cache (mounted). */
const DEBIAN_JAVA = '/usr/lib/jvm/java-17-openjdk-amd64/bin/java';
/** The official image: its own Java on its PATH, its own Cassandra under /opt/cassandra. */
const OFFICIAL_LIB = '/opt/cassandra/lib';

/** Where a node's JVM and Cassandra's jars are, wherever the node runs. */
interface JvmLayout {
  java: string;
  lib: string;
  jamm: string;
}

/**
 * Apache Cassandra, 3 JVMs on 127.0.14.n, each started by faultline
 * (no launch script) with its own cassandra.yaml, the Java 17 flags and the
 * jamm agent; ready once it serves CQL. The first node is the seed.
 */
export class CassandraCluster extends NodeCluster {
  private layout: JvmLayout | undefined;
  /** Internode connections leave from the node's address (the preload, in case the JVM does not bind them). */
  protected override readonly bindsPeerConnections = true;
  /** Seconds each node took to serve CQL at creation, for the log. */
  readonly bringUp: { node: string; seconds: number }[] = [];

  constructor(
    options: ProvisionOptions,
    private readonly settings: CassandraSettings,
  ) {
    super(options, { system: 'cassandra', subnet: SUBNET, port: PORTS.native });
    for (const node of this.nodes) this.writeConfig(node, this.nodes[0]!, false);
  }

  private writeConfig(node: NodeHandle, seed: NodeHandle, bootstrap: boolean): void {
    const dir = this.dir(node);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cassandra.yaml'), cassandraYaml(node, seed, dir, bootstrap));
    writeFileSync(join(dir, 'logback.xml'), LOGBACK);
  }

  /**
   * Membership changes, on this machine or in containers: a node
   * bootstraps into the ring (streams its ranges, then serves), and
   * `nodetool decommission` streams a node's ranges to their new owners
   * before it leaves. Never fewer nodes than the replication factor.
   */
  get membership(): ClusterMembership {
    return {
      grow: () => this.grow(),
      shrink: (id) => this.shrink(id),
      minNodes: this.settings.replicationFactor,
    };
  }

  private async grow(): Promise<string> {
    const seed = this.firstUp('to join through');
    return this.joinNewNode(async (node) => {
      this.writeConfig(node, seed, true);
      await this.start(node.id);
      await this.peersAgree(`${node.id} to be seen by every node`);
    });
  }

  private async shrink(id: string): Promise<void> {
    await this.nodetool(this.node(id), ['decommission'], DECOMMISSION_TIMEOUT_MS);
    await this.removeNode(id);
    await this.peersAgree(`${id} to leave every node's peers`);
  }

  /** Until each node's system.peers names exactly the other nodes of the cluster. */
  private peersAgree(what: string): Promise<void> {
    return waitUntil(
      what,
      async () => {
        for (const node of this.nodes) {
          const admin = adminClient(node, 3000);
          try {
            const rows = (await admin.execute('SELECT peer FROM system.peers')).rows;
            const peers = rows.map((r) => String(r.peer)).sort();
            const others = this.nodes
              .filter((n) => n !== node)
              .map((n) => n.host)
              .sort();
            if (peers.join() !== others.join()) return false;
          } finally {
            await admin.shutdown();
          }
        }
        return true;
      },
      START_TIMEOUT_MS,
      1000,
    );
  }

  protected override readyTimeoutMs(): number {
    return START_TIMEOUT_MS;
  }

  protected command(node: NodeHandle) {
    const dir = this.dir(node);
    const yaml = join(dir, 'cassandra.yaml');
    const heap = `${this.settings.heapMb}m`;
    const { java, lib, jamm } = this.layout!;
    return {
      program: java,
      args: [
        `-Xms${heap}`,
        `-Xmx${heap}`,
        ...JAVA17_FLAGS,
        `-javaagent:${jamm}`,
        '-Dcassandra-foreground=yes',
        `-Dcassandra.config=file://${yaml}`,
        `-Dlogback.configurationFile=${join(dir, 'logback.xml')}`,
        `-Dcassandra.jmx.local.port=${jmxPort(node)}`,
        // A new, empty cluster: no need to wait for gossip to settle.
        '-Dcassandra.skip_wait_for_gossip_to_settle=0',
        // How long a node joining or leaving waits for every coordinator to
        // hear of it before data moves: a coordinator that has not heard
        // sends no write to the new owner, and the stream may have passed
        // that key. 1 s was too short for a joining node even to hear its
        // seed back here; gossip reaches 3 to 5 nodes in a few 1 s rounds.
        `-Dcassandra.ring_delay_ms=${RING_DELAY_MS}`,
        '-cp',
        `${lib}/*`,
        'org.apache.cassandra.service.CassandraDaemon',
      ],
      marker: yaml,
    };
  }

  protected override async beforeStart(node: NodeHandle): Promise<void> {
    this.layout ??= await this.findLayout(node);
  }

  /** This machine's Java and faultline's jars; in a container, the image's (see JvmLayout). */
  private async findLayout(node: NodeHandle): Promise<JvmLayout> {
    const missing = 'cassandra needs Java 17 and its jars: npm run setup cassandra';
    if (this.hostProcesses || isLocalImage(this.options.image ?? '')) {
      const java = this.hostProcesses ? javaBinary() : DEBIAN_JAVA;
      const jamm = jammJar();
      if (!java || !jamm) throw new Error(missing);
      return { java, lib: cassandraLib(), jamm };
    }
    const found = await this.exec(
      node,
      'find',
      [OFFICIAL_LIB, '-maxdepth', '1', '-name', 'jamm-*.jar'],
      60_000,
    );
    const jamm = found.split('\n').find((l) => l.endsWith('.jar'));
    if (!jamm)
      throw new Error(
        `cassandra: the image ${this.options.image} has no ${OFFICIAL_LIB}/jamm-*.jar: is it the official cassandra image?`,
      );
    return { java: 'java', lib: OFFICIAL_LIB, jamm: jamm.trim() };
  }

  /** CQL is the last thing a node starts: accepting a connection on it means ready. */
  protected ready(node: NodeHandle): Promise<boolean> {
    return acceptsConnections(node.host, node.port);
  }

  /** The seed first, then the others one by one; then keyspace and tables. */
  async create(): Promise<void> {
    for (const node of this.nodes) {
      const started = Date.now();
      await this.start(node.id);
      this.bringUp.push({ node: node.id, seconds: (Date.now() - started) / 1000 });
    }
    const admin = adminClient(this.nodes[0]!);
    try {
      for (const statement of schema(this.settings.replicationFactor))
        await admin.execute(statement);
    } finally {
      await admin.shutdown();
    }
    await this.settle(START_TIMEOUT_MS);
  }

  /**
   * Settled: through every node as coordinator, a read at ALL succeeds, so
   * each node sees every replica up and answering.
   */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'cassandra: every node to see every replica up',
      async () => {
        for (const node of this.nodes) {
          if (!this.isUp(node.id)) return false;
          const admin = adminClient(node, 3000);
          try {
            await admin.execute(`SELECT k FROM ${KEYSPACE}.kv WHERE k = 'settle'`, [], {
              consistency: cassandra.types.consistencies.all,
            });
          } finally {
            await admin.shutdown();
          }
        }
        return true;
      },
      timeoutMs,
      1000,
    );
  }

  /**
   * A coordinator serves a key when it reaches the replicas its level
   * needs: ONE 1, QUORUM a majority of RF, ALL every one. The register runs
   * on lightweight transactions, whose Paxos rounds need a quorum (SERIAL)
   * whatever the level. With RF below the node count, each key in play is
   * placed by the token ring as the driver reads it from the cluster.
   */
  async quorum(context: { workload: string; keys: readonly string[] }): Promise<ReplicasRule> {
    const { replicationFactor: rf, consistency } = this.settings;
    const placement = rf < this.nodes.length ? await this.replicasOf(context.keys) : undefined;
    const quorum = Math.floor(rf / 2) + 1;
    const level = { one: 1, quorum, all: rf }[consistency];
    const serial = context.workload === 'register';
    return {
      rule: 'replicas',
      replicas: rf,
      read: serial ? quorum : level,
      write: serial ? Math.max(quorum, level) : level,
      level: serial
        ? `SERIAL (LWT), commit at ${consistency.toUpperCase()}`
        : consistency.toUpperCase(),
      ...(placement ? { placement } : {}),
      graceMs: 0,
    };
  }

  /** Each key's replicas, from the token ring and keyspace the driver loads from a node up. */
  private async replicasOf(keys: readonly string[]): Promise<Record<string, string[]>> {
    const admin = adminClient(this.firstUp('to read the token ring from'));
    try {
      await admin.connect();
      await admin.metadata.refreshKeyspace(KEYSPACE);
      const ids = this.idsByHost();
      return Object.fromEntries(
        keys.map((key) => {
          // The routing key of a text partition key is its UTF-8 bytes.
          const hosts = admin.getReplicas(KEYSPACE, Buffer.from(key, 'utf8'));
          if (!hosts?.length)
            throw new Error(`cassandra: the driver knows no replicas of ${key} in ${KEYSPACE}`);
          return [key, hosts.map((h) => ids.get(hostOf(h.address)) ?? h.address)];
        }),
      );
    } finally {
      await admin.shutdown();
    }
  }

  /**
   * The nodes Cassandra itself names as a key's replicas (`nodetool
   * getendpoints`, a JVM per call): the reference `quorum`'s placement is
   * checked against.
   */
  async endpoints(key: string): Promise<string[]> {
    const out = await this.nodetool(
      this.firstUp('to ask'),
      ['getendpoints', KEYSPACE, 'kv', key],
      60_000,
    );
    const ids = this.idsByHost();
    // One address a line, among whatever the JVM logs (warnings).
    return out
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^\d+\.\d+\.\d+\.\d+$/.test(line))
      .map((address) => ids.get(address) ?? address);
  }

  /** nodetool against `node`'s JMX port, run beside it; resolves when the command has finished. */
  private async nodetool(node: NodeHandle, args: string[], timeoutMs: number): Promise<string> {
    const { java, lib } = this.layout!;
    try {
      return await this.exec(node, java, nodetoolArgs(lib, jmxPort(node), args), timeoutMs);
    } catch (error) {
      throw new Error(`nodetool ${args[0]} on ${node.id}: ${(error as Error).message}`);
    }
  }

  private firstUp(what: string): NodeHandle {
    const node = this.nodes.find((n) => this.isUp(n.id));
    if (!node) throw new Error(`cassandra: no running node ${what}`);
    return node;
  }

  private idsByHost(): Map<string, string> {
    return new Map(this.nodes.map((n) => [n.host, n.id]));
  }
}

/** The host of a driver address, "127.0.14.1:9042". */
function hostOf(address: string): string {
  return address.slice(0, address.lastIndexOf(':'));
}

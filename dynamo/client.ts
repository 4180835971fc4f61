import { Connection, type ConnectionOptions } from './connection.ts';
import { STREAM_TIMEOUT_MS } from './membership.ts';
import type {
  ClockOptions,
  GetResult,
  PutResult,
  QuorumOptions,
  StatusResult,
} from './protocol.ts';
import type { Context, Version } from './vclock.ts';

export interface ClientOptions extends ConnectionOptions {
  /** Per-request timeout: past it the outcome is unknown. */
  timeoutMs?: number;
}

/** The Dynamo store's client library: talks to one node, which coordinates. */
export class DynamoClient {
  private readonly connection: Connection;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.connection = new Connection(options);
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  get(
    key: string,
    options: QuorumOptions & ClockOptions & { repairSync?: boolean } = {},
  ): Promise<GetResult> {
    return this.connection.request({ type: 'get', key, ...options }, this.timeoutMs);
  }

  put(
    key: string,
    value: unknown,
    context?: Context,
    options: QuorumOptions & ClockOptions = {},
  ): Promise<PutResult> {
    return this.connection.request(
      { type: 'put', key, value, ...(context ? { context } : {}), ...options },
      this.timeoutMs,
    );
  }

  /** The node's own copy of the key, with no coordination: a replica read. */
  async localGet(key: string): Promise<Version[]> {
    // No `unless`: always the versions.
    const result = await this.connection.request<{ versions: Version[] }>(
      { type: 'local-get', key },
      this.timeoutMs,
    );
    return result.versions;
  }

  async preferenceList(key: string, n?: number): Promise<string[]> {
    const result = await this.connection.request<{ nodes: string[] }>(
      { type: 'preflist', key, ...(n ? { n } : {}) },
      this.timeoutMs,
    );
    return result.nodes;
  }

  /** Asks the node to hand its data to the next owners and leave the ring; resolves once it has. */
  decommission(): Promise<{ keys: number }> {
    return this.connection.request({ type: 'decommission' }, STREAM_TIMEOUT_MS);
  }

  status(): Promise<StatusResult> {
    return this.connection.request({ type: 'status' }, this.timeoutMs);
  }

  close(): void {
    this.connection.close();
  }
}

/** Where a client connects: a node, and the address its clients leave from. */
export interface NodeAddress {
  host: string;
  port: number;
  clientAddress?: string;
}

/** Clients opened one by one and closed together (a test's, a bench's). */
export class DynamoClients {
  private readonly open: DynamoClient[] = [];

  /** A client of `node` from its client address, as a worker of that node connects. */
  of(node: NodeAddress, timeoutMs?: number): DynamoClient {
    return this.add(node, node.clientAddress, timeoutMs);
  }

  /** A client that connects from 127.0.0.1 (not a worker of any node). */
  outside(node: NodeAddress, timeoutMs?: number): DynamoClient {
    return this.add(node, undefined, timeoutMs);
  }

  closeAll(): void {
    for (const client of this.open.splice(0)) client.close();
  }

  private add(node: NodeAddress, localAddress?: string, timeoutMs?: number): DynamoClient {
    const client = new DynamoClient({
      host: node.host,
      port: node.port,
      ...(localAddress ? { localAddress } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    this.open.push(client);
    return client;
  }
}

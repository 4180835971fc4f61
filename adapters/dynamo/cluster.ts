import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoClient } from '../../dynamo/client.ts';
import { clientAddress, nodeAddress } from '../../harness/addresses.ts';
import { LocalProcess, waitUntil } from '../../harness/processes.ts';
import { tsNodeArgs } from '../../harness/tsx.ts';
import type { Cluster, NodeHandle, ProvisionOptions } from '../types.ts';
import type { DynamoSettings } from './settings.ts';

const SERVER = fileURLToPath(new URL('../../dynamo/server.ts', import.meta.url));
const READY_TIMEOUT_MS = 15_000;

/** A cluster of the built-in store: one `dynamo/server.ts` process per node. */
export class DynamoLocalCluster implements Cluster {
  readonly system = 'dynamo';
  readonly nodes: NodeHandle[];
  private readonly processes = new Map<string, LocalProcess>();
  private readonly paused = new Set<string>();

  constructor(
    private readonly options: ProvisionOptions,
    settings: DynamoSettings,
  ) {
    this.nodes = Array.from({ length: options.nodes }, (_, i) => ({
      id: `n${i + 1}`,
      host: nodeAddress('dynamo', i + 1),
      port: settings.port,
      clientAddress: clientAddress('dynamo', i + 1),
    }));
    const members = this.nodes.map((n) => `${n.id}=${n.host}:${n.port}`).join(',');
    for (const node of this.nodes) {
      const dir = join(options.dir, node.id);
      mkdirSync(dir, { recursive: true });
      const args = [
        ...tsNodeArgs(SERVER),
        ...['--id', node.id, '--members', members, '--data', join(dir, 'data')],
        ...['--tokens', String(settings.tokens), '--fsync', settings.fsync],
        ...['--n', String(settings.n), '--r', String(settings.r), '--w', String(settings.w)],
        ...['--replica-timeout-ms', String(settings.replicaTimeoutMs)],
        ...['--parent-pid', String(process.pid)],
      ];
      this.processes.set(node.id, new LocalProcess(process.execPath, args, join(dir, 'node.log')));
    }
  }

  async startAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
  }

  async start(id: string, options: { env?: Record<string, string> } = {}): Promise<void> {
    const proc = this.process(id);
    if (proc.running) return;
    const pid = await proc.start(options.env);
    const node = this.node(id);
    node.pid = pid;
    this.paused.delete(id);
    this.options.onProcess?.({ node: id, pid, marker: join(this.options.dir, id, 'data') });
    const client = new DynamoClient({ host: node.host, port: node.port, timeoutMs: 500 });
    try {
      await waitUntil(
        `dynamo node ${id}`,
        async () => {
          if (!proc.running) throw new Error('exited');
          return (await client.status()).id === id;
        },
        READY_TIMEOUT_MS,
        50,
      );
    } catch (error) {
      const tail = proc.tail();
      throw new Error(
        `dynamo node ${id} did not start (${(error as Error).message})${tail ? `:\n${tail}` : ''}`,
      );
    } finally {
      client.close();
    }
  }

  async kill(id: string): Promise<void> {
    await this.process(id).kill();
    this.paused.delete(id);
  }

  async pause(id: string): Promise<void> {
    this.process(id).signal('SIGSTOP');
    this.paused.add(id);
  }

  async resume(id: string): Promise<void> {
    this.process(id).signal('SIGCONT');
    this.paused.delete(id);
  }

  isUp(id: string): boolean {
    return this.process(id).running && !this.paused.has(id);
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    this.paused.clear();
  }

  private node(id: string): NodeHandle {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id} in the dynamo cluster`);
    return node;
  }

  private process(id: string): LocalProcess {
    this.node(id);
    return this.processes.get(id)!;
  }
}

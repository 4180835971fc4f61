import { createWriteStream, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import type { NodeHandle } from '../core/contracts.ts';
import { logTail } from '../core/processes.ts';
import {
  mergeEnv,
  type NodeLaunch,
  type Placement,
  type PlacementRequest,
  type Provider,
  type RunningNode,
} from '../core/provider.ts';
import { faultlineCache } from '../core/tools.ts';
import type { NodeUsage } from '../core/usage.ts';
import { imageExists } from './images.ts';
import {
  addClientAddress,
  containerNodes,
  createNetwork,
  type NetworkPlan,
  networkPlan,
  removeNetwork,
} from './network.ts';
import { LABEL, RUN_LABEL, runtime } from './runtime.ts';

/** The repository: node launches name its files (the store's server, built helpers, preloads). */
const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const STOP_GRACE_S = 3;

/**
 * Each node a container of the system's image on a bridge network of the
 * run (docker/network.ts), at a fixed address, running the very launch the
 * local provider would run: the repository and faultline's cache are
 * mounted read-only at their own paths and the cluster's folder read-write
 * at its own, so paths in a node's arguments mean the same inside. Kill is
 * `docker kill -s KILL`, pause `docker pause` (the cgroup freezer), stop
 * `docker stop` then removal; a restart with the same launch starts the
 * same container again, one with a different launch (a fault's
 * environment) replaces it.
 */
export const dockerProvider: Provider = {
  name: 'docker',
  place: (request) => new ContainerPlacement(request),
};

class ContainerPlacement implements Placement {
  readonly hostProcesses = false;
  private readonly plan: NetworkPlan;
  private handles: NodeHandle[] = [];
  private network: Promise<void> | undefined;
  private readonly containers = new Map<string, NodeContainer>();
  private readonly shared = new Set<string>();
  /** The workers' addresses the host holds on the bridge. */
  private readonly clientAddresses = new Set<string>();
  private checkedImage: Promise<string> | undefined;

  constructor(private readonly request: PlacementRequest) {
    this.plan = networkPlan(request.system, request.subnet);
  }

  nodes(count: number, port: number): NodeHandle[] {
    const nodes = containerNodes(this.plan, count, port);
    // Without root the host cannot take the workers' addresses: they
    // connect from the gateway's, and only faults without iptables (kill,
    // pause) can run, as the nemeses' own checks say.
    this.handles = isRoot()
      ? nodes
      : nodes.map((n) => ({ ...n, clientAddress: this.plan.gateway }));
    return this.handles;
  }

  get spareClientAddress(): string | undefined {
    return isRoot() ? this.plan.spareClient : undefined;
  }

  async launch(
    node: NodeHandle,
    launch: NodeLaunch,
    faultEnv: Record<string, string> = {},
  ): Promise<RunningNode> {
    const image = await this.image();
    // Before any node starts: its address must be on faultline's bridge, never routed away.
    if (!this.network) {
      const clients = isRoot()
        ? [...this.handles.map((h) => h.clientAddress), this.plan.spareClient]
        : [];
      this.network = createNetwork(this.plan, this.request.dir, clients);
      for (const address of clients) this.clientAddresses.add(address);
    }
    await this.network;
    // A node a membership change added after the network was made.
    if (isRoot() && !this.clientAddresses.has(node.clientAddress)) {
      this.clientAddresses.add(node.clientAddress);
      await addClientAddress(this.plan, node.clientAddress);
    }
    const env = mergeEnv(launch.env, faultEnv);
    const previous = this.containers.get(node.id);
    if (previous?.sameLaunch(launch, env)) {
      await previous.restart();
      return previous;
    }
    await previous?.remove();
    const started = await NodeContainer.start({
      image,
      name: `${this.plan.name}-${node.id}`,
      network: this.plan.name,
      address: node.host,
      launch,
      env,
      mounts: [...this.mounts(launch.dir), ...this.sharedMounts(launch.shared)],
      labels: { [LABEL]: 'node', [RUN_LABEL]: this.request.dir },
    });
    this.containers.set(node.id, started);
    return started;
  }

  /**
   * In the node's container while it runs; otherwise (before its first
   * start, or while it is down: mariadb-install-db, --wsrep-recover) in a
   * one-off container of the same image and mounts, with no network.
   */
  async exec(
    node: NodeHandle,
    program: string,
    args: string[],
    timeoutMs: number,
  ): Promise<string> {
    const container = this.containers.get(node.id);
    if (container?.running) return container.exec(program, args, timeoutMs);
    return oneOff({
      image: await this.image(),
      name: `${this.plan.name}-${node.id}-tool`,
      program,
      args,
      mounts: [...this.mounts(join(this.request.dir, node.id)), ...this.sharedMounts()],
      labels: { [LABEL]: 'tool', [RUN_LABEL]: this.request.dir },
      timeoutMs,
    });
  }

  /** The folders launches share with the harness; a tool beside a node sees them too. */
  private sharedMounts(add: readonly string[] = []): Dockerode.MountSettings[] {
    for (const path of add) this.shared.add(path);
    return [...this.shared].flatMap((path) => this.bind(path, false));
  }

  /** A host folder at its own path; a folder that is a link (MariaDB's node homes) at both paths. */
  private bind(path: string, readOnly: boolean): Dockerode.MountSettings[] {
    const source = realpathSync(path);
    const at: Dockerode.MountSettings[] = [
      { Type: 'bind', Source: source, Target: path, ReadOnly: readOnly },
    ];
    if (source !== path)
      at.push({ Type: 'bind', Source: source, Target: source, ReadOnly: readOnly });
    return at;
  }

  /** The system's image, if it exists (asked of the daemon once per placement). */
  private image(): Promise<string> {
    this.checkedImage ??= this.findImage();
    return this.checkedImage;
  }

  private async findImage(): Promise<string> {
    const image = this.request.image;
    if (!image)
      throw new Error(
        `${this.request.system} has no image for the docker provider yet (--image ${this.request.system}=<ref> names one)`,
      );
    if (!(await imageExists(image)))
      throw new Error(
        `docker image ${image} is missing: npm run images builds faultline's local images (or --image ${this.request.system}=<ref>)`,
      );
    return image;
  }

  async close(): Promise<void> {
    await Promise.all([...this.containers.values()].map((c) => c.remove()));
    this.containers.clear();
    if (this.network) {
      this.network = undefined;
      this.clientAddresses.clear();
      await removeNetwork(this.plan.name);
    }
  }

  /** The repository and faultline's cache read-only, the cluster's folder (and the node's, if a link) read-write. */
  private mounts(nodeDir: string): Dockerode.MountSettings[] {
    const cache = faultlineCache();
    mkdirSync(this.request.dir, { recursive: true });
    return [
      ...this.bind(REPOSITORY.replace(/\/$/, ''), true),
      ...(existsSync(cache) ? this.bind(cache, true) : []),
      ...this.bind(this.request.dir, false),
      ...(existsSync(nodeDir) ? this.bind(nodeDir, false) : []),
    ];
  }
}

/** Runs a program to its end in a container of its own, removed after; its output, or why it failed. */
async function oneOff(spec: {
  image: string;
  name: string;
  program: string;
  args: string[];
  mounts: Dockerode.MountSettings[];
  labels: Record<string, string>;
  timeoutMs: number;
}): Promise<string> {
  const docker = await runtime();
  await removeContainer(spec.name);
  const container = await docker.dockerode.createContainer({
    name: spec.name,
    Image: spec.image,
    Entrypoint: [spec.program],
    Cmd: spec.args,
    Labels: spec.labels,
    HostConfig: { Mounts: spec.mounts, NetworkMode: 'none' },
  });
  try {
    await container.start();
    const { StatusCode } = (await withTimeout(
      container.wait(),
      spec.timeoutMs,
      `${spec.program} took longer than ${spec.timeoutMs} ms`,
    )) as { StatusCode: number };
    const text = demux(await container.logs({ stdout: true, stderr: true }));
    if (StatusCode !== 0)
      throw new Error(
        `${spec.program} failed (exit ${StatusCode}): ${text.trim().split('\n').slice(-3).join(' ')}`,
      );
    return text;
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}

/** A container of that name (a crashed run's would block the name) removed, if any. */
async function removeContainer(name: string): Promise<void> {
  const docker = await runtime();
  await docker.dockerode
    .getContainer(name)
    .remove({ force: true })
    .catch(() => {});
}

/** The promise's value, or a rejection with `message` after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Docker's multiplexed log frames (an 8-byte header each, then the payload) as plain text. */
function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

interface ContainerSpec {
  image: string;
  name: string;
  network: string;
  address: string;
  launch: NodeLaunch;
  env: Record<string, string>;
  mounts: Dockerode.MountSettings[];
  labels: Record<string, string>;
}

/**
 * testcontainers' GenericContainer at a fixed address on its network (it
 * has no option for one). Loaded on first use: most commands never start a
 * container.
 */
async function addressedContainer(spec: ContainerSpec) {
  const { GenericContainer } = await import('testcontainers');
  class AddressedContainer extends GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      this.createOpts.NetworkingConfig = {
        EndpointsConfig: { [spec.network]: { IPAMConfig: { IPv4Address: spec.address } } },
      };
      this.hostConfig.Mounts = [...(this.hostConfig.Mounts ?? []), ...spec.mounts];
    }
  }
  return new AddressedContainer(spec.image);
}

/** The fields of the Docker API's container stats that usage() reads. */
interface ContainerStats {
  cpu_stats?: { cpu_usage?: { total_usage: number } };
  memory_stats?: { usage?: number };
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

class NodeContainer implements RunningNode {
  readonly pid = undefined;
  private alive = true;
  private readonly logFile: string;

  private constructor(
    private readonly spec: ContainerSpec,
    private readonly container: Dockerode.Container,
  ) {
    this.logFile = join(spec.launch.dir, 'node.log');
  }

  static async start(spec: ContainerSpec): Promise<NodeContainer> {
    const docker = await runtime();
    await removeContainer(spec.name);
    const since = Math.floor(Date.now() / 1000);
    const started = await (await addressedContainer(spec))
      .withName(spec.name)
      .withNetworkMode(spec.network)
      .withEntrypoint([spec.launch.program])
      .withCommand(spec.launch.args)
      .withEnvironment(spec.env)
      .withLabels(spec.labels)
      .withAutoCleanup(false)
      .start()
      .catch((error: Error) => {
        throw new Error(`container ${spec.name} (${spec.image}) did not start: ${error.message}`);
      });
    const node = new NodeContainer(spec, docker.client.container.getById(started.getId()));
    await node.attach(since);
    return node;
  }

  get running(): boolean {
    return this.alive;
  }

  sameLaunch(launch: NodeLaunch, env: Record<string, string>): boolean {
    const key = (l: NodeLaunch, e: Record<string, string>) =>
      JSON.stringify([l.program, l.args, Object.entries(e).sort()]);
    return key(launch, env) === key(this.spec.launch, this.spec.env);
  }

  async exec(program: string, args: string[], timeoutMs: number): Promise<string> {
    const docker = await runtime();
    const result = await withTimeout(
      docker.client.container.exec(this.container, [program, ...args]),
      timeoutMs,
      `${program} took longer than ${timeoutMs} ms in ${this.spec.name}`,
    );
    if (result.exitCode !== 0) {
      const out = result.output.trim().split('\n').slice(-3).join(' ');
      throw new Error(`${program} failed in ${this.spec.name} (exit ${result.exitCode}): ${out}`);
    }
    return result.stdout;
  }

  /** The container's own counters, as the Docker API reports them (its cgroup and network namespace). */
  async usage(): Promise<NodeUsage | undefined> {
    if (!this.alive) return undefined;
    const stats = (await this.container
      .stats({ stream: false, 'one-shot': true } as { stream: false })
      .catch(() => undefined)) as ContainerStats | undefined;
    if (!stats?.cpu_stats?.cpu_usage) return undefined;
    const io = stats.blkio_stats?.io_service_bytes_recursive ?? [];
    const bytes = (op: string) =>
      io.filter((e) => e.op.toLowerCase() === op).reduce((sum, e) => sum + e.value, 0);
    const networks = Object.values(stats.networks ?? {});
    return {
      cpuSeconds: stats.cpu_stats.cpu_usage.total_usage / 1e9,
      memoryBytes: stats.memory_stats?.usage ?? 0,
      diskReadBytes: bytes('read'),
      diskWriteBytes: bytes('write'),
      netRxBytes: networks.reduce((sum, n) => sum + n.rx_bytes, 0),
      netTxBytes: networks.reduce((sum, n) => sum + n.tx_bytes, 0),
    };
  }

  async kill(): Promise<void> {
    if (!this.alive) return;
    await this.container.kill({ signal: 'SIGKILL' }).catch(ignoreNotRunning);
    await this.container.wait().catch(() => {});
    this.alive = false;
  }

  async pause(): Promise<void> {
    await this.container.pause();
  }

  async resume(): Promise<void> {
    await this.container.unpause();
  }

  async restart(): Promise<void> {
    const since = Math.floor(Date.now() / 1000);
    await this.container.start();
    await this.attach(since);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const state = await this.container.inspect().catch(() => undefined);
    if (state?.State.Paused) await this.container.unpause();
    await this.container.stop({ t: STOP_GRACE_S }).catch(ignoreNotRunning);
    this.alive = false;
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true }).catch(() => {});
    this.alive = false;
  }

  tail(lines = 5): string {
    return logTail(this.logFile, lines);
  }

  /** Follows the container's output since then into node.log; its end means the container stopped. */
  async attach(since: number): Promise<void> {
    this.alive = true;
    const stream = (await this.container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      since,
    })) as unknown as NodeJS.ReadableStream;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    // Without a terminal, docker multiplexes stdout and stderr in frames.
    this.container.modem.demuxStream(stream, log, log);
    stream.on('end', () => {
      this.alive = false;
      log.end();
    });
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function ignoreNotRunning(error: { statusCode?: number }): void {
  // 304: already stopped; 409: not running.
  if (error.statusCode !== 304 && error.statusCode !== 409) throw error;
}

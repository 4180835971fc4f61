import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Claims, Client, Cluster, System } from '../adapters/types.ts';
import { NEMESES } from '../chaos/index.ts';
import { type FaultWindow, NemesisSchedule } from '../chaos/schedule.ts';
import { isSpareThread, type SpareClients } from '../chaos/types.ts';
import { HistoryWriter } from '../core/history.ts';
import { OpTable } from '../core/op-table.ts';
import { deriveSeed, seededRng } from '../core/rng.ts';
import type { ChosenImage } from '../docker/image-choice.ts';
import type { Workload } from '../workloads/types.ts';
import { checkStepwise, runPlan } from './check.ts';
import type { CheckResults } from './checkers/index.ts';
import { type Validity, verdict } from './checkers/types.ts';
import type { CompareConfig } from './config.ts';
import { InternalsSampler, type InternalsSeries } from './internals.ts';
import { Metrics, type MetricsSummary } from './metrics.ts';
import { Progress } from './progress.ts';
import { ResourceSampler, type ResourceSeries } from './resources.ts';
import type { RunEvent, RunPhase } from './run-events.ts';
import { Worker } from './worker.ts';

export interface SystemResult {
  system: string;
  workload: string;
  engine: string;
  /** The image the nodes ran in (docker provider): the reference, and the digest measured. */
  image?: { ref: string; digest: string };
  configuration: string;
  nodes: number;
  claims: Claims;
  /** The single-key transaction a system claimed "L" offers (System.limitedTransactions). */
  limitedTransactions?: string;
  /** `not-applicable`: the system lacks what the workload needs (`error` says what). */
  status: 'complete' | 'incomplete' | 'error' | 'not-applicable';
  error?: string;
  history: string;
  timings: { provisionS: number; loadS: number; runS: number; finalS: number };
  load: { ok: number; fail: number; info: number };
  metrics: MetricsSummary | null;
  /** The run phase on the run clock (ns), which the charts of the history plot; absent from older results. */
  runPhase?: { startNs: number; endNs: number };
  /** Faults of the run that make no sense for this cluster (a partition of one node), with why. */
  faultsNotApplicable?: { fault: string; reason: string }[];
  /** Fault windows in seconds from the start of the run phase. */
  faults: { fault: string; nodes: string[]; start: number; end: number | null }[];
  final: { keys: number; clusterReads: number; replicaReads: number; failedReads: number };
  /** CPU, memory, disk and network of every node, a sample a second (absent: not sampled). */
  resources?: ResourceSeries;
  /** The system's own counters over the run (Cluster.internals), where it reports them. */
  internals?: InternalsSeries;
  checkers: CheckResults;
  valid: Validity;
}

export interface RunContext {
  config: CompareConfig;
  runDir: string;
  workload: Workload;
  clock: () => number;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Phases, each second's progress and each checker, for a listener (the dashboard). */
  onEvent?: (event: RunEvent) => void;
  onProcess: (system: string, info: { node: string; pid: number; marker: string }) => void;
  /** The image its nodes run in, on the docker provider (chosen by compare). */
  image?: ChosenImage;
  /** The system's settings for this run (one of its configurations). */
  settings: Record<string, unknown>;
  /**
   * Names this configuration's files apart when the system runs in several:
   * `history/<system>.<label>.jsonl`.
   */
  label?: string;
  /**
   * Names this workload's files apart when a run has several workloads:
   * `history/<system>.<workload>.jsonl`, `nodes/<system>.<workload>/`.
   */
  separateFiles?: boolean;
  /**
   * A cluster already up, to run on instead of provisioning one (the bench
   * drives redis-benchmark and faultline against the same cluster); the
   * caller tears it down.
   */
  cluster?: Cluster;
}

/**
 * Final reads retry for ~15 s: right after a partition heals, node-to-node
 * TCP connections can sit in retransmission back-off for seconds.
 */
const FINAL_READ_ATTEMPTS = 8;
const ERROR_BACKOFF_MS = 50;
const SETTLE_TIMEOUT_MS = 60_000;

/** A result before anything ran: filled in by runSystem, or left as not applicable. */
function emptyResult(
  system: System,
  workload: Workload,
  config: CompareConfig,
  settings: Record<string, unknown>,
): SystemResult {
  return {
    system: system.name,
    workload: workload.name,
    engine: system.engine,
    configuration: system.describe(settings),
    nodes: config.nodes ?? system.defaultNodes,
    claims: system.claims,
    ...(system.limitedTransactions ? { limitedTransactions: system.limitedTransactions } : {}),
    status: 'complete',
    history: '',
    timings: { provisionS: 0, loadS: 0, runS: 0, finalS: 0 },
    load: { ok: 0, fail: 0, info: 0 },
    metrics: null,
    faults: [],
    final: { keys: 0, clusterReads: 0, replicaReads: 0, failedReads: 0 },
    checkers: {},
    valid: 'unknown',
  };
}

/** The result for a workload the system cannot run: reported, not failed. */
export function notApplicable(
  system: System,
  workload: Workload,
  config: CompareConfig,
  settings: Record<string, unknown>,
): SystemResult {
  return {
    ...emptyResult(system, workload, config, settings),
    status: 'not-applicable',
    error: `${system.name} has no ${workload.client} client, which ${workload.name} needs (its clients: ${Object.keys(system.clients).join(', ')})`,
  };
}

/**
 * One system through the whole run: provision → load → workers + nemesis →
 * heal → final reads → teardown → check. Whatever happens, the nemesis is
 * healed, the cluster torn down and the history closed; an interrupted run
 * is checked on what it recorded and marked incomplete.
 */
export async function runSystem(system: System, ctx: RunContext): Promise<SystemResult> {
  const { config, runDir, workload, clock, signal, log, settings } = ctx;
  const name = [system.name, ctx.label, ctx.separateFiles ? workload.name : undefined]
    .filter(Boolean)
    .join('.');
  mkdirSync(join(runDir, 'history'), { recursive: true });
  const historyPath = join(runDir, 'history', `${name}.jsonl`);
  const history = new HistoryWriter(historyPath, clock);
  const elapsed = (since: number) => Math.round((clock() - since) / 1e6) / 1000;
  const result: SystemResult = {
    ...emptyResult(system, workload, config, settings),
    ...(ctx.image ? { image: { ref: ctx.image.ref, digest: ctx.image.digest } } : {}),
    history: relative(runDir, historyPath),
  };
  const { timings } = result;
  const enter = (phase: RunPhase) =>
    ctx.onEvent?.({
      type: 'phase',
      system: system.name,
      workload: workload.name,
      configuration: result.configuration,
      phase,
    });

  let cluster: Cluster | undefined;
  let schedule: NemesisSchedule | undefined;
  let sampler: ResourceSampler | undefined;
  let internals: InternalsSampler | undefined;
  let origin: number | undefined;
  const clients: Client[] = [];
  // Jepsen's numbering: a worker's thread is its process id modulo the
  // stride, so a partition record can name the workers it cut off by
  // thread, whatever process ids their infos gave them since. Threads
  // 0…concurrency-1 run the workload, the next one per node reads back.
  let stride = config.concurrency;
  const workerContext = {
    history,
    clock,
    newProcess: (previous: number) => previous + stride,
  };
  let spareClients: SpareClients | undefined;

  const nemeses = config.nemesis.map((name) =>
    NEMESES[name]!({
      latency: { delayMs: config.latency, jitterMs: config.latencyJitter },
      dir: join(runDir, 'faults'),
      onProcess: (info) => ctx.onProcess(system.name, info),
      workload: workload.name,
      keys: () => workload.writtenKeys(),
      spareClients: () => spareClients,
    }),
  );

  try {
    for (const nemesis of nemeses) await nemesis.prepare?.(log);
    let t = clock();
    enter('provision');
    log(
      `${system.name}: starting ${result.nodes} node${result.nodes === 1 ? '' : 's'} (${result.configuration})`,
    );
    cluster =
      ctx.cluster ??
      (await system.provision(config.provider, {
        nodes: result.nodes,
        dir: join(runDir, 'nodes', name),
        settings,
        ...(ctx.image ? { image: ctx.image.ref } : {}),
        onProcess: (info) => ctx.onProcess(system.name, info),
      }));
    timings.provisionS = elapsed(t);
    origin = clock();
    sampler = new ResourceSampler(cluster, clock, config.provider === 'local');
    sampler.start();
    internals = new InternalsSampler(cluster, clock);
    internals.start();
    log(`${system.name}: cluster up in ${timings.provisionS.toFixed(1)} s`);

    stride = config.concurrency + cluster.nodes.length;
    spareClients = splitClients(cluster, config.concurrency, stride);
    const connect = async (process: number, index: number) => {
      const node = cluster!.nodes[index % cluster!.nodes.length]!;
      const pinned =
        spareClients && isSpareThread(spareClients, process)
          ? { ...node, clientAddress: spareClients.address }
          : node;
      const client = await system.clients[workload.client]!(cluster!, pinned, settings);
      clients.push(client);
      return new Worker(process, pinned, client, workerContext);
    };
    const workers = await Promise.all(
      Array.from({ length: config.concurrency }, (_, i) => connect(i, i)),
    );
    /** A new client for `worker`'s process, on a node of the cluster as it is now. */
    const repin = async (worker: Worker, index: number): Promise<Worker> => {
      clients.splice(clients.indexOf(worker.client), 1);
      await worker.client.close().catch(() => {});
      return connect(worker.process, index);
    };

    // Load phase: the records exist before the run (YCSB's load), and are
    // in the history, so a loaded record lost later is a lost write too.
    t = clock();
    const loads = workload.load();
    enter('load');
    log(`${system.name}: loading ${loads.length} records`);
    await pool(workers, loads, signal, async (worker, op) => {
      const completion = await worker.execute(op);
      result.load[completion.type]++;
      workload.done(op, completion);
    });
    timings.loadS = elapsed(t);

    // Run phase.
    const runStart = clock();
    origin = runStart;
    const metrics = new Metrics(runStart);
    const deadline = runStart + config.duration * 1e9;
    const applicable = nemeses.filter((nemesis) => {
      const reason = nemesis.notApplicable?.(cluster!);
      if (reason) {
        log(`${system.name}: ${nemesis.name} skipped: ${reason}`);
        result.faultsNotApplicable = [
          ...(result.faultsNotApplicable ?? []),
          { fault: nemesis.name, reason },
        ];
      }
      return !reason;
    });
    schedule = new NemesisSchedule(applicable, cluster, {
      intervalMs: config.nemesisInterval * 1000,
      durationMs: config.nemesisDuration * 1000,
      rng: seededRng(deriveSeed(config.seed, `nemesis/${system.name}`)),
      clock,
      record: (op) => history.append(op),
    });
    const progress = new Progress(
      system.name,
      () => ({
        elapsedS: (clock() - runStart) / 1e9,
        totalS: config.duration,
        ...metrics.counts,
        fault: schedule?.current
          ? `${schedule.current.fault} ${schedule.current.nodes.join(',')}`
          : undefined,
      }),
      (sample) =>
        ctx.onEvent?.({
          type: 'progress',
          system: system.name,
          elapsedS: Math.round(sample.elapsedS * 10) / 10,
          totalS: sample.totalS,
          opsPerS: sample.opsPerS,
          ok: sample.ok,
          fail: sample.fail,
          info: sample.info,
          fault: sample.fault ?? null,
        }),
    );
    if (!signal.aborted) {
      enter('run');
      log(
        `${system.name}: running ${workload.name} for ${config.duration} s, ${config.concurrency} workers` +
          (applicable.length
            ? `, faults: ${applicable.map((n) => n.name).join(', ')}`
            : ', no faults'),
      );
      progress.start();
      schedule.start();
      const pace = config.rate > 0 ? (config.concurrency / config.rate) * 1e9 : 0;
      await Promise.all(
        workers.map(async (first, index) => {
          let worker = first;
          const rng = seededRng(deriveSeed(config.seed, `worker/${worker.process}`));
          let next = clock();
          while (!signal.aborted && clock() < deadline) {
            // Its node left the cluster (a membership change): like a real
            // application's client, it moves to a node still in it.
            if (!cluster!.nodes.some((n) => n.id === worker.node.id)) {
              worker = await repin(worker, index);
              workers[index] = worker;
            }
            if (pace > 0) {
              next += pace;
              const wait = (next - clock()) / 1e6;
              if (wait > 0) await sleep(wait);
              if (signal.aborted || clock() >= deadline) break;
            }
            const op = workload.next(rng);
            const phase = schedule?.current ? 'fault' : 'healthy';
            const completion = await worker.execute(op, { metrics, phase });
            workload.done(op, completion);
            // A client whose node is down fails at once; like a real client
            // reconnecting, wait a little instead of flooding the history.
            if (completion.type !== 'ok') await sleep(ERROR_BACKOFF_MS);
          }
        }),
      );
      progress.stop();
    }
    const runEnd = clock();
    timings.runS = elapsed(runStart);
    enter('heal');
    await schedule.stop();
    if (cluster.settle && !signal.aborted) {
      log(`${system.name}: healed; waiting for the cluster to settle`);
      await cluster
        .settle(SETTLE_TIMEOUT_MS)
        .catch((error: Error) => log(`${system.name}: not settled: ${error.message}`));
    }
    result.metrics = metrics.summary(runEnd);
    result.runPhase = { startNs: runStart, endNs: runEnd };
    result.faults = schedule.windows.map((w) => toSeconds(w, runStart));

    // Final phase: after heal, read every key back through the cluster, then
    // from each of its replicas on their own.
    if (!signal.aborted) {
      t = clock();
      enter('final');
      const keys = workload.writtenKeys();
      log(`${system.name}: healed; reading back ${keys.length} keys`);
      const finalWorkers = await Promise.all(
        cluster.nodes.map((_, i) => connect(config.concurrency + i, i)),
      );
      // A worker pinned to a node a membership change removed reads nothing.
      const members = new Set(cluster.nodes.map((n) => n.id));
      const readers = [...finalWorkers, ...workers.filter((w) => members.has(w.node.id))];
      result.final.keys = keys.length;
      await pool(readers, keys, signal, async (worker, key) => {
        if (await readWithRetry(worker, { f: 'read', key, final: 'cluster' }, signal)) {
          result.final.clusterReads++;
        } else result.final.failedReads++;
      });
      if (system.features.includes('replica-read')) {
        const locate = finalWorkers[0]!.client;
        const targets = new Map<string, string[]>(cluster.nodes.map((n) => [n.id, []]));
        await pool(finalWorkers, keys, signal, async (_, key) => {
          const replicas = (await locate.replicasOf?.(key)) ?? cluster!.nodes.map((n) => n.id);
          for (const node of replicas) targets.get(node)?.push(key);
        });
        // A replica read must come from a worker pinned to that replica.
        await Promise.all(
          [...targets].map(([node, nodeKeys]) =>
            pool(
              readers.filter((w) => w.node.id === node),
              nodeKeys,
              signal,
              async (worker, key) => {
                if (await readWithRetry(worker, { f: 'read', key, final: 'replica' }, signal)) {
                  result.final.replicaReads++;
                } else result.final.failedReads++;
              },
            ),
          ),
        );
      }
      timings.finalS = elapsed(t);
    }
  } catch (error) {
    result.status = 'error';
    result.error = (error as Error).message;
    log(`${system.name}: ${result.error}`);
  } finally {
    await sampler?.stop();
    internals?.stop();
    const counters = origin === undefined ? undefined : internals?.series(origin);
    if (counters) result.internals = counters;
    const resources = origin === undefined ? undefined : sampler?.series(origin);
    if (resources) result.resources = resources;
    await schedule?.stop().catch(() => {});
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    if (!ctx.cluster) await cluster?.teardown().catch(() => {});
    history.close();
  }

  if (signal.aborted && result.status === 'complete') result.status = 'incomplete';
  enter('check');
  result.checkers = await checkStepwise(
    OpTable.read(historyPath),
    runPlan(workload, system, settings, config.consistencyModel),
    (checker, index, total) =>
      ctx.onEvent?.({ type: 'checker', system: system.name, checker, index, total }),
  );
  result.valid = verdict(Object.values(result.checkers));
  return result;
}

/**
 * Final reads retry a failed read (a node still catching up) a few times; a
 * read never changes state, so retrying is safe and keeps "unknown" rare.
 */
async function readWithRetry(
  worker: Worker,
  op: { f: 'read'; key: string; final: 'cluster' | 'replica' },
  signal: AbortSignal,
): Promise<boolean> {
  for (let attempt = 1; attempt <= FINAL_READ_ATTEMPTS && !signal.aborted; attempt++) {
    if ((await worker.execute(op)).type === 'ok') return true;
    await sleep(Math.min(2000, 200 * 2 ** (attempt - 1)));
  }
  return false;
}

/** Runs `task` over `items` with each worker taking the next item when free. */
async function pool<T>(
  workers: Worker[],
  items: readonly T[],
  signal: AbortSignal,
  task: (worker: Worker, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (!signal.aborted && next < items.length) await task(worker, items[next++]!);
    }),
  );
}

/**
 * On a cluster of one node with a spare client address, every other
 * worker connects from it: a partition then has two sides, the node with
 * half of its clients, and the other half (chaos/partition.ts).
 */
function splitClients(
  cluster: Cluster,
  concurrency: number,
  stride: number,
): SpareClients | undefined {
  const address = cluster.spareClientAddress;
  if (cluster.nodes.length !== 1 || !address || concurrency < 2) return undefined;
  const threads = Array.from({ length: concurrency }, (_, i) => i).filter((i) => i % 2 === 1);
  return { address, threads, stride };
}

function toSeconds(window: FaultWindow, origin: number) {
  const s = (ns: number) => Math.round((ns - origin) / 1e6) / 1000;
  return {
    fault: window.fault,
    nodes: window.nodes,
    start: s(window.start),
    end: window.end === undefined ? null : s(window.end),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

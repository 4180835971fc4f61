import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SYSTEMS } from '../adapters/index.ts';
import { capabilitiesOf, type System } from '../adapters/types.ts';
import { leftoverRules } from '../chaos/firewall.ts';
import { UsageError } from '../core/errors.ts';
import { runClock } from '../core/history.ts';
import { type ChosenImage, chooseImage } from '../docker/image-choice.ts';
import { WORKLOADS } from '../workloads/index.ts';
import type { CompareConfig } from './config.ts';
import { junitXml } from './junit.ts';
import { buildMatrix } from './matrix.ts';
import { RESULTS_VERSION, type RunResults } from './results.ts';
import { notApplicable, runSystem, type SystemResult } from './run.ts';
import type { RunEvent } from './run-events.ts';
import { findLeftovers, liveProcesses, type RunState, removeState, writeState } from './state.ts';
import { VERSION } from './version.ts';

/** What the caller of a run hands it (the CLI and the dashboard start runs the same way). */
export interface CompareHooks {
  /** Each line of the run's log (default: standard error). */
  log?: (line: string) => void;
  /** report.html from the results (reports/ sits above the harness, so it is handed in). */
  renderReport?: (results: RunResults, runDir: string) => string;
  /** Stops the run as Ctrl-C does: workers stopped, faults healed, nodes stopped, results kept. */
  signal?: AbortSignal;
  /** Phases, progress and checkers as they happen. */
  onEvent?: (event: RunEvent) => void;
}

export interface CompareOutcome {
  exitCode: number;
  runDir: string;
  results: RunResults;
}

/**
 * `faultline compare`: the same workload, seed and faults against each
 * system in turn; one run folder with config, histories, results and report.
 * SIGINT/SIGTERM/SIGHUP stop the workers, heal, stop every node and still
 * write the results (marked incomplete); the exit code is then 130.
 */
export async function compare(
  config: CompareConfig,
  hooks: CompareHooks = {},
): Promise<CompareOutcome> {
  const { renderReport, onEvent } = hooks;
  const log = (line: string) => {
    (hooks.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
    onEvent?.({ type: 'log', line });
  };
  refuseLeftovers();
  // Before the run's folder: an image missing is the user's to fix, not a failed run.
  const asRun = await systemsAsRun(config, log);
  const startedAt = new Date();
  const id = `${startedAt.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')}-${config.label ?? config.workload.replaceAll(',', '+')}`;
  const runDir = resolve(config.out, id);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);

  const state: RunState = {
    id,
    pid: process.pid,
    runDir,
    startedAt: startedAt.toISOString(),
    processes: [],
  };
  writeState(state);

  const abort = new AbortController();
  let interrupted: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      log(`faultline: ${signal} again; still stopping the nodes, please wait`);
      return;
    }
    interrupted = signal;
    log(`\nfaultline: ${signal}: stopping workers, healing faults, stopping nodes…`);
    abort.abort();
  };
  const onAbort = () => {
    interrupted ??= 'cancel';
    log('faultline: cancelled: stopping workers, healing faults, stopping nodes…');
    abort.abort();
  };
  if (hooks.signal?.aborted) onAbort();
  else hooks.signal?.addEventListener('abort', onAbort, { once: true });
  // SIGHUP: the terminal closed; the nodes must not outlive the run.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);

  log(`faultline ${VERSION}: run ${id}, workload ${config.workload}, seed ${config.seed}`);
  onEvent?.({ type: 'started', id, systems: config.systems, workloads: config.workloads });
  for (const { system, reason } of config.skippedSystems) {
    log(`faultline: ${system} skipped: it ${reason}`);
  }
  for (const { fault, reason } of config.skippedFaults) {
    log(`faultline: ${fault} skipped: it ${reason}; running with ${config.nemesis.join(', ')}`);
  }
  const clock = runClock();
  const systems: SystemResult[] = [];
  try {
    for (const workloadName of config.workloads) {
      for (const name of config.systems) {
        if (!asRun[name]) continue;
        const { system, image } = asRun[name];
        for (const { settings, label } of config.configurations[name] ?? [{ settings: {} }]) {
          if (abort.signal.aborted) break;
          const workload = WORKLOADS[workloadName]!.create({
            keys: config.keys,
            seed: config.seed,
            capabilities: capabilitiesOf(system),
          });
          if (!system.clients[workload.client]) {
            const result = notApplicable(system, workload, config, settings);
            log(`${name}: ${workloadName} not applicable: ${result.error}`);
            systems.push(result);
            continue;
          }
          systems.push(
            await runSystem(system, {
              config,
              runDir,
              workload,
              clock,
              signal: abort.signal,
              log,
              ...(onEvent ? { onEvent } : {}),
              onProcess: (system, info) => {
                state.processes.push({ system, ...info });
                writeState(state);
              },
              settings,
              ...(image ? { image } : {}),
              ...(label ? { label } : {}),
              separateFiles: config.workloads.length > 1,
            }),
          );
        }
      }
    }
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    hooks.signal?.removeEventListener('abort', onAbort);
  }

  const results: RunResults = {
    resultsVersion: RESULTS_VERSION,
    id,
    faultline: VERSION,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    status:
      interrupted || systems.some((s) => s.status === 'incomplete' || s.status === 'error')
        ? 'incomplete'
        : 'complete',
    ...(interrupted ? { interrupted } : {}),
    config,
    systems,
    matrix: buildMatrix(systems),
  };
  writeFileSync(join(runDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(runDir, 'junit.xml'), junitXml(results));
  if (renderReport) writeFileSync(join(runDir, 'report.html'), renderReport(results, runDir));
  removeState(id);

  for (const s of systems) log(summaryLine(s));
  const where = relative(process.cwd(), join(runDir, 'report.html'));
  log(`report: ${where.startsWith('..') ? join(runDir, 'report.html') : where}`);
  const exitCode = interrupted ? 130 : systems.some((s) => s.status === 'error') ? 1 : 0;
  onEvent?.({ type: 'finished', id, status: results.status, exitCode });
  return { exitCode, runDir, results };
}

/**
 * Each system as it will run: on the docker provider, in the image chosen
 * for it (docker/image-choice.ts) and as that image runs it
 * (System.onImage), its settings checked again against that engine.
 */
async function systemsAsRun(
  config: CompareConfig,
  log: (line: string) => void,
): Promise<Record<string, { system: System; image?: ChosenImage }>> {
  const out: Record<string, { system: System; image?: ChosenImage }> = {};
  for (const name of config.systems) {
    const declared = SYSTEMS[name]!;
    if (config.provider !== 'docker') {
      out[name] = { system: declared };
      continue;
    }
    const requested = config.image[name];
    const image = await chooseImage(declared, requested, log).catch((error: Error) => {
      // An image asked for by name must be there; one merely missing skips its system, as a missing engine does.
      if (requested) throw new UsageError(error.message);
      log(`faultline: ${name} skipped: ${error.message.replace(`${name}: `, '')}`);
      return undefined;
    });
    if (!image) continue;
    const system = declared.onImage?.(image.ref) ?? declared;
    const blocked = system.blocker?.('docker');
    if (blocked) {
      log(`faultline: ${name} skipped: on ${image.ref} it ${blocked}`);
      continue;
    }
    for (const { settings } of config.configurations[name] ?? []) {
      const problem = system.validate?.({
        nodes: config.nodes ?? system.defaultNodes,
        settings,
        provider: config.provider,
        image: image.ref,
      });
      if (problem) throw new UsageError(problem);
    }
    if (system.engine !== declared.engine) log(`${name}: ${image.ref} runs ${system.engine}`);
    out[name] = { system, image };
  }
  if (config.systems.length > 0 && Object.keys(out).length === 0)
    throw new UsageError(
      `no system can run on the docker provider here (each says why above): npm run images builds faultline's images`,
    );
  return out;
}

function summaryLine(s: SystemResult): string {
  if (s.status === 'not-applicable')
    return `${s.system} ${s.workload}: not applicable (${s.error})`;
  const m = s.metrics;
  const lost = s.checkers['lost-writes'];
  const parts = [
    `${s.system} ${s.workload} (${s.configuration}): ${s.status}`,
    m
      ? `${m.throughput.toLocaleString('en-US')} ops/s, ${m.ok} ok / ${m.fail} fail / ${m.info} info`
      : '',
    lost
      ? `lost writes: ${lost.valid === false ? lost.lost : lost.valid === true ? 0 : 'unknown'}`
      : '',
    `verdict: ${s.valid === true ? 'valid' : s.valid === false ? 'ANOMALIES' : 'unknown'}`,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** A run must not start beside the nodes of another one (same addresses). */
function refuseLeftovers(): void {
  const { running, crashed } = findLeftovers();
  const other = running[0];
  if (other) {
    throw new UsageError(
      `run ${other.id} (pid ${other.pid}) is still in progress; wait for it or stop it with Ctrl-C, then retry`,
    );
  }
  const rules = leftoverRules();
  if (rules.length > 0) {
    throw new UsageError(
      `iptables still holds ${rules.length} faultline rule(s) of a crashed run; run \`npx faultline heal\` first`,
    );
  }
  for (const state of crashed) {
    const live = liveProcesses(state);
    if (live.length > 0) {
      throw new UsageError(
        `${live.length} node process(es) of crashed run ${state.id} are still running; run \`npx faultline heal\` first`,
      );
    }
    removeState(state.id);
  }
}

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SYSTEMS } from '../adapters/index.ts';
import type { System } from '../adapters/types.ts';
import { UsageError } from '../core/errors.ts';
import type { History } from '../core/op-table.ts';
import { WORKLOADS } from '../workloads/index.ts';
import type { Workload } from '../workloads/types.ts';
import {
  CHECKER_NAMES,
  CHECKERS,
  type CheckResults,
  isCheckerName,
  type NotMeasured,
} from './checkers/index.ts';
import { type CheckResult, type Validity, verdict } from './checkers/types.ts';

/**
 * Checking recorded histories: the checkers a run applies to each history
 * (its workload's, then availability and conflicts), and `faultline check`
 * over saved files and run folders, which applies the same ones.
 */

export interface CheckPlan {
  /** Checker names, in order. */
  checkers: readonly string[];
  /** The options each checker gets. */
  options: (checker: string) => Record<string, unknown> | undefined;
  /** Why a checker does not apply to the system, if it does not. */
  notMeasured?: (checker: string) => string | undefined;
}

/** Every checker of the plan over one history, by name. */
export function checkRecorded(history: History, plan: CheckPlan): CheckResults {
  const results: Record<string, CheckResult> = {};
  for (const name of plan.checkers) results[name] = checkOne(history, plan, name);
  return results as CheckResults;
}

/**
 * checkRecorded one checker at a time, yielding to the event loop between
 * them and naming each as it starts, so a listener sees the checks advance.
 */
export async function checkStepwise(
  history: History,
  plan: CheckPlan,
  onChecker: (checker: string, index: number, total: number) => void,
): Promise<CheckResults> {
  const results: Record<string, CheckResult> = {};
  for (const [index, name] of plan.checkers.entries()) {
    onChecker(name, index, plan.checkers.length);
    await new Promise((resolve) => setImmediate(resolve));
    results[name] = checkOne(history, plan, name);
  }
  return results as CheckResults;
}

function checkOne(history: History, plan: CheckPlan, name: string): CheckResult {
  if (!isCheckerName(name))
    throw new Error(`no checker "${name}"; known: ${CHECKER_NAMES.join(', ')}`);
  const notMeasured = plan.notMeasured?.(name);
  return notMeasured
    ? ({ valid: 'unknown', notMeasured } satisfies NotMeasured)
    : CHECKERS[name](history, plan.options(name));
}

/**
 * What a run checks for a workload on a system: the workload's checkers,
 * then availability, conflicts and membership, which every matrix row reads.
 * list-append checks `model` when given, else the system's claimed model.
 */
export function runPlan(
  workload: Pick<Workload, 'checkers' | 'checkerOptions'>,
  system: System | undefined,
  settings: Record<string, unknown>,
  model?: string,
): CheckPlan {
  return {
    checkers: [...workload.checkers, 'availability', 'conflicts', 'membership'],
    options: (checker) => {
      const options = workload.checkerOptions?.[checker];
      if (checker !== 'list-append') return options;
      // A saved run's settings may predate a setting: the declaration fills it in.
      const chosen = model ?? system?.claimedModel?.(system.settings.parse(settings));
      return chosen ? { ...options, model: chosen } : options;
    },
    notMeasured: (checker) => (system ? notMeasuredOn(system, checker) : undefined),
  };
}

/**
 * Why a checker of the workload does not apply to this system, if it does
 * not: convergence compares each replica's own copy, which a system
 * without `replica-read` cannot give.
 */
function notMeasuredOn(system: System, checker: string): string | undefined {
  if (checker === 'convergence' && !system.features.includes('replica-read'))
    return `${system.name} cannot read one replica's own copy`;
  return undefined;
}

/** One history to check, and what is known of the run that wrote it. */
export interface CheckTarget {
  path: string;
  system?: string;
  workload?: string;
  /** The configuration's settings (from the run's config.json). */
  settings: Record<string, unknown>;
  /** The model list-append checked in the run, if it did. */
  model?: string;
  /** The run's `--keys`, for the workload's own checker options. */
  keys: number;
}

interface SavedRun {
  config: {
    workloads?: string[];
    keys?: number;
    configurations?: Record<string, { label?: string; settings: Record<string, unknown> }[]>;
  };
  results?: {
    systems: {
      system: string;
      workload: string;
      history: string;
      checkers?: Record<string, { model?: unknown }>;
    }[];
  };
}

/**
 * The histories named on the command line: files as they are, a run
 * folder as every history it holds, each with its run's workload and
 * system when the folder says them (results.json; config.json and the
 * file names for a run that crashed before writing it).
 */
export function checkTargets(paths: readonly string[]): CheckTarget[] {
  return paths.flatMap((path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new UsageError(`${path}: no such file or folder`);
    if (stat.isDirectory()) {
      const run = readRun(path);
      if (!run)
        throw new UsageError(
          `${path}: not a run folder (no config.json); give history files or a run folder`,
        );
      const targets = runHistories(path, run);
      if (targets.length === 0) throw new UsageError(`${path}: the run folder holds no history`);
      return targets;
    }
    // A history inside a run folder (<run>/history/<file>) knows its run.
    const runDir = dirname(dirname(resolve(path)));
    const run = basename(dirname(resolve(path))) === 'history' ? readRun(runDir) : undefined;
    const known = run
      ? runHistories(runDir, run).find((t) => resolve(t.path) === resolve(path))
      : undefined;
    return [known ? { ...known, path } : { path, settings: {}, keys: 0 }];
  });
}

function readRun(dir: string): SavedRun | undefined {
  const read = (name: string) => {
    const file = join(dir, name);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
    }
  };
  const config = read('config.json');
  return config ? { config, results: read('results.json') } : undefined;
}

function runHistories(dir: string, run: SavedRun): CheckTarget[] {
  const keys = run.config.keys ?? 0;
  // A history's file name holds its configuration's label when the system
  // ran in several (history/cassandra.consistency-one.jsonl).
  const settingsOf = (system: string, file: string) => {
    const configurations = run.config.configurations?.[system] ?? [];
    const parts = basename(file).split('.');
    const chosen =
      configurations.find((c) => c.label !== undefined && parts.includes(c.label)) ??
      (configurations.length === 1 ? configurations[0] : undefined);
    return chosen?.settings ?? {};
  };
  if (run.results) {
    return run.results.systems
      .filter((s) => s.history)
      .map((s) => {
        const model = s.checkers?.['list-append']?.model;
        return {
          path: join(dir, s.history),
          system: s.system,
          workload: s.workload,
          settings: settingsOf(s.system, s.history),
          ...(typeof model === 'string' ? { model } : {}),
          keys,
        };
      });
  }
  // No results.json: the run stopped before its end. Files are named
  // <system>[.<label>][.<workload>].jsonl.
  const historyDir = join(dir, 'history');
  const files = existsSync(historyDir)
    ? readdirSync(historyDir).filter((f) => f.endsWith('.jsonl'))
    : [];
  const workloads = run.config.workloads ?? [];
  return files.sort().map((file) => {
    const parts = file.replace(/\.jsonl$/, '').split('.');
    const last = parts[parts.length - 1]!;
    const workload = workloads.includes(last) && parts.length > 1 ? last : workloads[0];
    return {
      path: join(historyDir, file),
      system: parts[0],
      ...(workloads.length === 1 || workload === last ? { workload } : {}),
      settings: settingsOf(parts[0]!, file),
      keys,
    };
  });
}

export interface HistoryCheck {
  history: string;
  system?: string;
  workload?: string;
  valid: Validity;
  checkers: Record<string, CheckResult>;
}

/**
 * Checks one target: with `checker`, that one checker (with the workload's
 * options for it, then `options`); else every checker its run applied.
 */
export function checkTarget(
  target: CheckTarget,
  history: History,
  request: {
    checker?: string;
    /** Options given on the command line, per checker. */
    options: (checker: string) => Record<string, unknown>;
    consistencyModel?: string;
  },
): HistoryCheck {
  const spec = target.workload ? WORKLOADS[target.workload] : undefined;
  if (!request.checker && !spec)
    throw new UsageError(
      `${target.path}: its workload is not known (not in a run folder); name one with --checker=<name>`,
    );
  const workload = spec?.create({ keys: Math.max(1, target.keys), seed: 0 });
  const system = target.system ? SYSTEMS[target.system] : undefined;
  const base = runPlan(
    workload ?? { checkers: [] },
    system,
    target.settings,
    request.consistencyModel ?? target.model,
  );
  const plan: CheckPlan = {
    ...base,
    checkers: request.checker ? [request.checker] : base.checkers,
    options: (name) => ({ ...base.options(name), ...request.options(name) }),
  };
  const checkers = checkRecorded(history, plan);
  return {
    history: target.path,
    ...(target.system ? { system: target.system } : {}),
    ...(target.workload ? { workload: target.workload } : {}),
    valid: verdict(Object.values(checkers)),
    checkers,
  };
}

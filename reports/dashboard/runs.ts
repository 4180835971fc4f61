import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseResults, type RunResults } from '../../harness/results.ts';

/**
 * The runs folder as the dashboard sees it. A run id comes from a URL, so
 * it is checked against this pattern and then against the folder's own
 * listing before any path is built from it.
 */
export const RUN_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._+-]{0,159}$';
const RUN_ID = new RegExp(RUN_ID_PATTERN);

export type Verdict = 'valid' | 'invalid' | 'unknown';

/** One line of the runs table. */
export interface RunSummary {
  id: string;
  startedAt: string;
  /** `running`: the dashboard's run in progress; `no-results`: a run that never wrote results.json (crashed). */
  status: 'complete' | 'incomplete' | 'running' | 'no-results';
  workload: string;
  faults: string;
  seed: number | null;
  durationS: number | null;
  systems: string[];
  /** Every system's verdict together: invalid if any is, else unknown if any is. */
  verdict: Verdict;
  rows: { system: string; workload: string; configuration: string; verdict: Verdict | 'n/a' }[];
  hasReport: boolean;
}

export class RunsFolder {
  readonly root: string;
  private readonly cache = new Map<string, { mtimeMs: number; summary: RunSummary }>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The run's folder, or undefined when the id is malformed or names no run here. */
  folder(id: string): string | undefined {
    if (!RUN_ID.test(id) || id.includes('..')) return undefined;
    const dir = join(this.root, id);
    if (!dir.startsWith(this.root + sep)) return undefined;
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (!stat?.isDirectory() || !existsSync(join(dir, 'config.json'))) return undefined;
    return dir;
  }

  /** Every run, newest first; `running` names the run in progress. */
  list(running?: string): RunSummary[] {
    if (!existsSync(this.root)) return [];
    const out: RunSummary[] = [];
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !this.folder(entry.name)) continue;
      const summary = this.summary(entry.name, running);
      if (summary) out.push(summary);
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  results(id: string): RunResults | undefined {
    const dir = this.folder(id);
    const file = dir && join(dir, 'results.json');
    if (!file || !existsSync(file)) return undefined;
    return parseResults(readFileSync(file, 'utf8'));
  }

  /** The report's path, when the run has one. */
  report(id: string): string | undefined {
    const dir = this.folder(id);
    const file = dir && join(dir, 'report.html');
    return file && existsSync(file) ? file : undefined;
  }

  async remove(id: string): Promise<boolean> {
    const dir = this.folder(id);
    if (!dir) return false;
    this.cache.delete(id);
    await rm(dir, { recursive: true, force: true });
    return true;
  }

  private summary(id: string, running?: string): RunSummary | undefined {
    const dir = join(this.root, id);
    const resultsFile = join(dir, 'results.json');
    const stat = statSync(resultsFile, { throwIfNoEntry: false });
    if (!stat) return fromConfig(id, dir, id === running ? 'running' : 'no-results');
    const cached = this.cache.get(id);
    if (cached?.mtimeMs === stat.mtimeMs) return cached.summary;
    let results: RunResults;
    try {
      results = parseResults(readFileSync(resultsFile, 'utf8'));
    } catch {
      return fromConfig(id, dir, 'no-results');
    }
    const summary = summarize(id, results, existsSync(join(dir, 'report.html')));
    this.cache.set(id, { mtimeMs: stat.mtimeMs, summary });
    return summary;
  }
}

const verdictOf = (valid: boolean | 'unknown'): Verdict =>
  valid === true ? 'valid' : valid === false ? 'invalid' : 'unknown';

/** `id` is the folder's name: a run folder copied or renamed is still found by it. */
export function summarize(id: string, results: RunResults, hasReport: boolean): RunSummary {
  const rows = results.systems.map((s) => ({
    system: s.system,
    workload: s.workload,
    configuration: s.configuration,
    verdict: s.status === 'not-applicable' ? ('n/a' as const) : verdictOf(s.valid),
  }));
  const verdicts = rows.map((r) => r.verdict);
  return {
    id,
    startedAt: results.startedAt,
    status: results.status,
    workload: results.config.workload,
    faults: results.config.nemesis.join(', ') || 'none',
    seed: results.config.seed,
    durationS: results.config.duration,
    systems: [...new Set(rows.map((r) => r.system))],
    verdict: verdicts.includes('invalid')
      ? 'invalid'
      : verdicts.includes('unknown') || verdicts.length === 0
        ? 'unknown'
        : 'valid',
    rows,
    hasReport,
  };
}

/** A run without results.json: what its config.json says. */
function fromConfig(id: string, dir: string, status: 'running' | 'no-results'): RunSummary {
  let config: Partial<RunResults['config']> = {};
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } catch {
    // A config half written by a crashed run: the id still names it.
  }
  return {
    id,
    startedAt: startOf(id) ?? statSync(dir).mtime.toISOString(),
    status,
    workload: String(config.workload ?? ''),
    faults: config.nemesis?.join(', ') ?? '',
    seed: config.seed ?? null,
    durationS: config.duration ?? null,
    systems: config.systems ?? [],
    verdict: 'unknown',
    rows: [],
    hasReport: false,
  };
}

/** A run id begins with its start time (`2026-12-04T04-05-06-123-…`, see compare). */
function startOf(id: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})/.exec(id);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` : undefined;
}

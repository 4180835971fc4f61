import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isAlive, processMatches } from '../core/processes.ts';

/**
 * The state file of a run in progress: which harness owns it and every node
 * process it started. Kept outside the run folder, in one place, so that
 * `faultline heal` finds the leftovers of a crashed run whatever --out was.
 */
export interface RunState {
  id: string;
  /** The harness process. */
  pid: number;
  runDir: string;
  startedAt: string;
  processes: { system: string; node: string; pid: number; marker: string }[];
}

export function stateDir(): string {
  return process.env.FAULTLINE_STATE_DIR ?? join(homedir(), '.local', 'state', 'faultline', 'runs');
}

function statePath(id: string): string {
  return join(stateDir(), `${id}.json`);
}

export function writeState(state: RunState): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(statePath(state.id), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(id: string): void {
  rmSync(statePath(id), { force: true });
}

export function readStates(): RunState[] {
  let files: string[];
  try {
    files = readdirSync(stateDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(join(stateDir(), f), 'utf8')) as RunState];
    } catch {
      return [];
    }
  });
}

/** The recorded processes still running (checked by PID and command line). */
export function liveProcesses(state: RunState): RunState['processes'] {
  return state.processes.filter((p) => processMatches(p.pid, p.marker));
}

export interface Leftovers {
  /** Runs whose harness still runs. */
  running: RunState[];
  /** Runs whose harness is gone but whose nodes (or state file) remain. */
  crashed: RunState[];
}

export function findLeftovers(exceptId?: string): Leftovers {
  const states = readStates().filter((s) => s.id !== exceptId);
  return {
    running: states.filter((s) => isAlive(s.pid) && s.pid !== process.pid),
    crashed: states.filter((s) => !isAlive(s.pid)),
  };
}

/**
 * Stops the node processes of crashed runs (resuming paused ones first, by
 * process group) and removes their state files. Returns what it did.
 */
export async function healCrashedRuns(): Promise<string[]> {
  const report: string[] = [];
  for (const state of findLeftovers().crashed) {
    const live = liveProcesses(state);
    for (const p of live) {
      for (const signal of ['SIGCONT', 'SIGKILL'] as const) {
        try {
          process.kill(-p.pid, signal);
        } catch {
          try {
            process.kill(p.pid, signal);
          } catch {
            // gone already
          }
        }
      }
    }
    const deadline = Date.now() + 5000;
    while (live.some((p) => isAlive(p.pid)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    removeState(state.id);
    report.push(
      `run ${state.id}: stopped ${live.length} node process(es)${live.length ? ` (${live.map((p) => `${p.system}/${p.node} pid ${p.pid}`).join(', ')})` : ''}`,
    );
  }
  return report;
}

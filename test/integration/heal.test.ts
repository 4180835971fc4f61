import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rootFaultBlocker } from '../../chaos/support.ts';
import { skipUnless } from '../engines.ts';
import { nodePids, onlyRun, waitFor } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

const BIN = fileURLToPath(new URL('../../cli/bin/faultline.js', import.meta.url));
const env = { ...process.env, FAULTLINE_STATE_DIR: tempDir('fl-state-') };
const skip = skipUnless('heal tests', rootFaultBlocker('iptables'));

const faultlineRules = () =>
  execFileSync('iptables', ['-S'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('FAULTLINE'));

/** Process state letter from /proc (T = stopped), or undefined when gone. */
function procState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
  } catch {
    return undefined;
  }
}

function startRun(out: string, nemesis: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      BIN,
      'compare',
      '--systems=dynamo',
      '--workload=mixed',
      '--keys=100',
      '--duration=60',
      `--nemesis=${nemesis}`,
      '--nemesis-interval=1',
      '--nemesis-duration=60',
      `--out=${out}`,
    ],
    { env, stdio: 'ignore' },
  );
}

/** Queueing disciplines on lo other than the default: netem or anything else a fault left. */
const loQdiscs = () =>
  execFileSync('tc', ['qdisc', 'show', 'dev', 'lo'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('qdisc noqueue'));

/** The PIDs a run recorded in its state file (nodes and helpers). */
function recordedPids(stateDir: string): { node: string; pid: number }[] {
  return readdirSync(stateDir).flatMap(
    (f) => JSON.parse(readFileSync(join(stateDir, f), 'utf8')).processes,
  );
}

/** `faultline heal` after a crash mid-fault: it exits 0 and leaves no rule and no qdisc. */
function healRemovesChain(): void {
  const heal = cli(['heal']);
  expect(heal.status).toBe(0);
  expect(heal.stderr).toMatch(/removed faultline's iptables chain/);
  expect(faultlineRules()).toEqual([]);
  expect(loQdiscs()).toEqual([]);
}

const cli = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });

describe.skipIf(skip)('faultline heal after a run killed with SIGKILL', () => {
  it('mid-partition: rules stay, the next run refuses, heal removes chain and rules', async () => {
    const out = tempDir('fl-runs-');
    const child = startRun(out, 'partition-isolate');
    await waitFor('the partition', () => faultlineRules().some((l) => l.includes('DROP')));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const pids = nodePids(onlyRun(out));
    await waitFor('the nodes to stop', () => pids.every((p) => procState(p) === undefined), 5000);
    expect(faultlineRules().length).toBeGreaterThan(0);

    const refused = cli(['compare', '--duration=1', '--nemesis=none', `--out=${out}`]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /faultline rule\(s\) of a crashed run; run `npx faultline heal` first/,
    );

    healRemovesChain();
  }, 60_000);

  it('mid-latency: the delay helper exits with its harness, heal removes the queue rule', async () => {
    const out = tempDir('fl-runs-');
    const child = startRun(out, 'latency');
    await waitFor('the latency fault', () => faultlineRules().some((l) => l.includes('NFQUEUE')));
    const helper = recordedPids(env.FAULTLINE_STATE_DIR).find((p) => p.node === 'netdelay');
    expect(helper).toBeDefined();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const pids = nodePids(onlyRun(out));
    // The helper watches its parent, like the nodes: none outlives the harness.
    await waitFor(
      'the nodes and the helper to stop',
      () => [...pids, helper!.pid].every((p) => procState(p) === undefined),
      5000,
    );
    expect(faultlineRules().some((l) => l.includes('NFQUEUE'))).toBe(true);

    healRemovesChain();
  }, 60_000);

  it('mid-pause: the stopped node outlives the harness until heal stops it', async () => {
    const out = tempDir('fl-runs-');
    const child = startRun(out, 'pause');
    let pids: number[] = [];
    await waitFor('a paused node', () => {
      try {
        pids = nodePids(onlyRun(out));
      } catch {
        return false;
      }
      return pids.some((p) => procState(p) === 'T');
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const paused = pids.filter((p) => procState(p) === 'T');
    await waitFor(
      'the running nodes to stop',
      () => pids.every((p) => paused.includes(p) || procState(p) === undefined),
      5000,
    );
    // A stopped process cannot notice its parent is gone: only heal ends it.
    expect(paused.every((p) => procState(p) === 'T')).toBe(true);
    const refused = cli(['compare', '--duration=1', '--nemesis=none', `--out=${out}`]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/still running; run `npx faultline heal` first/);
    const heal = cli(['heal']);
    expect(heal.status).toBe(0);
    expect(heal.stderr).toMatch(/stopped 1 node process/);
    await waitFor(
      'the paused node to go',
      () => pids.every((p) => procState(p) === undefined || procState(p) === 'Z'),
      5000,
    );
  }, 60_000);
});

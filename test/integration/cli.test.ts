import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../core/history.ts';
import { nodePids, onlyRun, waitFor } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

const BIN = fileURLToPath(new URL('../../cli/bin/faultline.js', import.meta.url));
const stateDir = tempDir('fl-state-');
const env = { ...process.env, FAULTLINE_STATE_DIR: stateDir };

function run(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startRun(out: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'compare',
      '--systems=dynamo',
      '--workload=mixed',
      '--duration=60',
      '--nemesis=none',
      `--out=${out}`,
      '--keys=100',
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, stderr: () => stderr };
}

describe('faultline CLI: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'an unknown workload',
      ['--workload=nope'],
      /unknown workload "nope"; valid: consistency, write-heavy, read-heavy, mixed, read-only, read-latest, rmw, register, set, bank, list-append, counter, staleness$/,
    ],
    ['a negative duration', ['--duration=-3'], /--duration: must be more than 0 seconds/],
    [
      '--nodes=1 with N=3',
      ['--nodes=1'],
      /--nodes=1 is fewer than dynamo's replication factor N=3/,
    ],
    [
      'an unknown system',
      ['--systems=cassandrax'],
      /unknown system "cassandrax"; valid: all, dynamo/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`rejects ${what} in one line with exit code 2`, () => {
      const { code, stderr } = run(['compare', ...args]);
      expect(code).toBe(2);
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    });
  }

  it('rejects an --out that is a file', () => {
    const file = join(tempDir('fl-'), 'results.txt');
    writeFileSync(file, 'x');
    const { code, stderr } = run(['compare', `--out=${file}`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^faultline: --out=.*results\.txt is a file; give a folder/);
  });

  it('rejects an unknown option the same way', () => {
    const { code, stderr } = run(['compare', '--colour=blue']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option '--colour=blue'/);
  });
});

describe('faultline check', () => {
  const dir = tempDir('fl-check-');
  const line = (o: object) => JSON.stringify(o);
  const write = { process: 0, f: 'write', key: 'k', value: 2 };
  const lostHistory = [
    line({ ...write, type: 'invoke', time: 1 }),
    line({ ...write, type: 'ok', time: 2 }),
    line({
      process: 1,
      type: 'invoke',
      f: 'read',
      key: 'k',
      value: null,
      final: 'cluster',
      time: 3,
    }),
    line({ process: 1, type: 'ok', f: 'read', key: 'k', value: null, final: 'cluster', time: 4 }),
  ];

  it('exits 1 with the evidence when a saved history shows a lost write', () => {
    const file = join(dir, 'lost.jsonl');
    writeFileSync(file, `${lostHistory.join('\n')}\n`);
    const { code, stdout, stderr } = run(['check', file, '--checker=lost-writes']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      history: file,
      valid: false,
      checkers: { 'lost-writes': { valid: false, lost: 1 } },
    });
    expect(stderr).toBe('checked 1 history: 1 invalid, 0 unknown, 0 valid');
  });

  it('exits 0 on a valid history and 3 when it cannot tell', () => {
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, `${lostHistory.slice(0, 2).join('\n')}\n`);
    expect(run(['check', file, '--checker=unexpected-values']).code).toBe(0);
    expect(run(['check', file, '--checker=lost-writes']).code).toBe(3);
  });

  it('names the line of a malformed history, exit 2', () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${lostHistory[0]}\n{"process":0,\n`);
    const { code, stderr } = run(['check', file, '--checker=lost-writes']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.jsonl: line 2: not JSON/);
    expect(run(['check', file, '--checker=nope']).stderr).toMatch(
      /unknown checker "nope"; valid: lost-writes/,
    );
  });

  it('checks many histories: a run folder with its own checkers, files beside it; one JSON line each', () => {
    // A run folder as compare leaves it: config.json, results.json, history/.
    const runDir = join(dir, 'run');
    mkdirSync(join(runDir, 'history'), { recursive: true });
    writeFileSync(
      join(runDir, 'config.json'),
      JSON.stringify({ workloads: ['register'], keys: 10 }),
    );
    writeFileSync(
      join(runDir, 'results.json'),
      JSON.stringify({
        systems: [
          { system: 'dynamo', workload: 'register', history: 'history/dynamo.jsonl' },
          { system: 'redis-cluster', workload: 'register', history: '' },
        ],
      }),
    );
    writeFileSync(join(runDir, 'history', 'dynamo.jsonl'), `${lostHistory.join('\n')}\n`);
    const fine = join(dir, 'fine.jsonl');
    writeFileSync(fine, `${lostHistory.slice(0, 2).join('\n')}\n`);

    const folder = run(['check', runDir]);
    expect(folder.code).toBe(1);
    const [line] = folder.stdout.split('\n').map((l) => JSON.parse(l));
    expect(line).toMatchObject({
      history: join(runDir, 'history/dynamo.jsonl'),
      system: 'dynamo',
      workload: 'register',
      valid: false,
    });
    // The register workload's checkers, then the three every run applies.
    expect(Object.keys(line.checkers)).toEqual([
      'linearizable',
      'lost-writes',
      'convergence',
      'availability',
      'conflicts',
      'membership',
    ]);
    expect(line.checkers['lost-writes']).toMatchObject({ valid: false, lost: 1 });

    // A file of the folder alone knows its run too; a file outside one needs --checker.
    const alone = run(['check', join(runDir, 'history', 'dynamo.jsonl')]);
    expect(JSON.parse(alone.stdout).workload).toBe('register');
    const outside = run(['check', fine]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe(
      `faultline: ${fine}: its workload is not known (not in a run folder); name one with --checker=<name>`,
    );

    // None invalid, one unknown: 3; a malformed line in the second file: 2, naming file and line.
    const mixed = run(['check', fine, fine, '--checker=lost-writes']);
    expect(mixed.code).toBe(3);
    expect(mixed.stdout.split('\n')).toHaveLength(2);
    expect(mixed.stderr).toBe('checked 2 histories: 0 invalid, 2 unknown, 0 valid');
    const bad = join(dir, 'bad2.jsonl');
    writeFileSync(bad, `${lostHistory[0]}\n${lostHistory[1]}\n{"process":\n`);
    const broken = run(['check', fine, bad, '--checker=lost-writes']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/bad2\.jsonl: line 3: not JSON/);
    expect(run(['check', join(dir, 'nowhere')]).stderr).toMatch(/nowhere: no such file or folder/);
  });
});

describe('faultline check --checker=linearizable', () => {
  const dir = tempDir('fl-lin-');
  const ops = (...steps: [number, string, string, unknown][]) =>
    `${steps.map(([process, type, f, value], time) => JSON.stringify({ process, type, f, key: 'x', value, time })).join('\n')}\n`;
  const stale = ops(
    [0, 'invoke', 'write', 1],
    [0, 'ok', 'write', 1],
    [1, 'invoke', 'read', null],
    [1, 'ok', 'read', null],
  );

  it('exits 1 on a stale read, with the ops that cannot be ordered', () => {
    const file = join(dir, 'stale.jsonl');
    writeFileSync(file, stale);
    const { code, stdout } = run(['check', file, '--checker=linearizable', '--model=register']);
    expect(code).toBe(1);
    const result = JSON.parse(stdout).checkers.linearizable;
    expect(result).toMatchObject({ valid: false, model: 'register', nonLinearizableKeys: 1 });
    expect(result.failures[0].counterexample.stuck).toMatchObject({ f: 'read', returned: null });
  });

  it('exits 0 when linearizable; 2 for an unknown model or an op the model does not know', () => {
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, ops([0, 'invoke', 'cas', [null, 1]], [0, 'ok', 'cas', [null, 1]]));
    expect(run(['check', file, '--checker=linearizable']).code).toBe(0);
    const wrongModel = run(['check', file, '--checker=linearizable', '--model=register']);
    expect(wrongModel.code).toBe(2);
    expect(wrongModel.stderr).toMatch(/f "cas", which model register does not know/);
    const unknown = run(['check', file, '--checker=linearizable', '--model=queue']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown model "queue"; valid: register, cas-register/);
  });
});

describe('faultline check (bank) and export', () => {
  const dir = tempDir('fl-bank-');
  const line = (o: object) => JSON.stringify(o);

  it('bank: a read whose total differs from --total exits 1; export writes EDN', () => {
    const file = join(dir, 'bank.jsonl');
    writeFileSync(
      file,
      `${[
        line({ process: 0, type: 'invoke', f: 'read', value: null, time: 1 }),
        line({ process: 0, type: 'ok', f: 'read', value: { a: 10, b: 5 }, time: 2 }),
      ].join('\n')}\n`,
    );
    const bank = run(['check', file, '--checker=bank', '--total=20']);
    expect(bank.code).toBe(1);
    expect(JSON.parse(bank.stdout).checkers.bank).toMatchObject({
      valid: false,
      total: 20,
      wrongTotalReads: 1,
    });
    expect(run(['check', file, '--checker=bank']).code).toBe(0);

    const exported = run(['export', file, '--format=edn']);
    expect(exported.code).toBe(0);
    expect(exported.stdout.split('\n')[1]).toBe(
      '{:index 1 :time 2 :type :ok :process 0 :f :read :value {:a 10 :b 5}}',
    );
    expect(run(['export', join(dir, 'missing.jsonl')]).code).toBe(2);
    expect(run(['export', file, '--format=json']).stderr).toMatch(/Allowed choices are edn, jsonl/);
  });
});

describe('faultline CLI: interruption', () => {
  it('Ctrl-C stops the workers and every node, keeps the history, writes incomplete results, exits non-zero', async () => {
    const out = tempDir('fl-runs-');
    const { child, stderr } = startRun(out);
    await waitFor('the run phase', () => stderr().includes('running mixed'));
    await new Promise((r) => setTimeout(r, 1500));
    const runDir = onlyRun(out);
    const pids = nodePids(runDir);
    expect(pids).toHaveLength(3);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(130);
    expect(pids.filter(alive)).toEqual([]);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    expect(results.status).toBe('incomplete');
    expect(results.interrupted).toBe('SIGINT');
    expect(results.systems[0].metrics.ok).toBeGreaterThan(0);
    const historyFile = join(runDir, 'history', 'dynamo.jsonl');
    const ops = readHistory(historyFile);
    expect(ops.length).toBeGreaterThan(results.systems[0].metrics.ok);
    // Compact on disk; export gives one JSON object per op, the same ops.
    expect(statSync(historyFile).size / ops.length).toBeLessThan(40);
    // To a file: the export is larger than what spawnSync buffers of stdout.
    const jsonl = join(out, 'exported.jsonl');
    const exported = run(['export', historyFile, '--format=jsonl', `--out=${jsonl}`]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe(`wrote ${ops.length} ops to ${jsonl}`);
    const objects = readFileSync(jsonl, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects).toEqual(ops);
    expect(objects[0]).toMatchObject({ index: 0, process: 0, type: 'invoke' });
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    expect(readdirSync(stateDir)).toEqual([]);
  }, 60_000);

  it('a harness killed with SIGKILL leaves no node behind; heal clears its state and the next run starts', async () => {
    const out = tempDir('fl-runs-');
    const { child, stderr } = startRun(out);
    await waitFor('the run phase', () => stderr().includes('running mixed'));
    const runDir = onlyRun(out);
    const pids = nodePids(runDir);
    await waitFor(
      'ops in the history',
      () => statSync(join(runDir, 'history', 'dynamo.jsonl')).size > 10_000,
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // What was written before the kill reads back, and checks.
    const killed = run(['check', runDir]);
    expect(killed.code).toBe(3);
    expect(JSON.parse(killed.stdout)).toMatchObject({
      system: 'dynamo',
      workload: 'mixed',
      checkers: { 'lost-writes': { valid: 'unknown' }, 'unexpected-values': { valid: true } },
    });
    // Nodes watch their parent and stop when it is gone.
    await waitFor('the nodes to stop', () => pids.every((pid) => !alive(pid)), 5000);
    expect(readdirSync(stateDir)).toHaveLength(1);
    const heal = run(['heal']);
    expect(heal.code).toBe(0);
    expect(heal.stderr).toMatch(/stopped 0 node process/);
    expect(readdirSync(stateDir)).toEqual([]);
    const next = run([
      'compare',
      '--systems=dynamo',
      '--workload=read-only',
      '--duration=2',
      '--nemesis=none',
      '--keys=50',
      `--out=${out}`,
    ]);
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/report: .*report\.html/);
  }, 60_000);
});

describe('faultline doctor', () => {
  it('names every system, the docker provider and the fault tools, which setup installed here', () => {
    const { code, stdout } = run(['doctor']);
    expect(code).toBe(0);
    for (const name of ['dynamo', 'redis-cluster', 'mongodb', 'cassandra'])
      expect(stdout).toMatch(new RegExp(`^${name}: `, 'm'));
    expect(stdout).toMatch(/^docker provider: /m);
    // .ci/run installs them (npm run setup would, as root): all three present.
    expect(stdout).toMatch(
      /^fault tools: iptables present · iproute2 present · faketime present$/m,
    );
  });
});

import { type ExecFileSyncOptions, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLinearizable } from '../harness/checkers/linearizable/index.ts';
import { printTable } from './engines.ts';
import { jepsenLogOps } from './jepsen-log.ts';

/**
 * faultline's linearizability checker beside Porcupine on Porcupine's own
 * test data (Jepsen's etcd logs), in the same run: Porcupine is built from
 * a checkout given with `--porcupine <dir>` (or FAULTLINE_PORCUPINE) with
 * the small program in bench/porcupine/, which times CheckEvents on each
 * log; faultline reads the same logs into its ops and times its check on
 * each. Both times are the check alone (parsing left out), the best of
 * three passes. Prints the verdicts (they must agree), the totals and
 * faultline's over Porcupine's (goal ≤ 1.0).
 */
export function benchPorcupine(checkout: string | undefined): void {
  console.log("\nlinearizability beside Porcupine, on Porcupine's Jepsen etcd logs\n");
  const blocker = porcupineBlocker(checkout);
  if (blocker) {
    console.log(`skipped: ${blocker}`);
    return;
  }
  const dir = resolve(checkout!);
  const logDir = join(dir, 'test_data', 'jepsen');
  const logs = readdirSync(logDir)
    .filter((f) => /^etcd_\d+\.log$/.test(f))
    .sort()
    .map((f) => join(logDir, f));
  const build = mkdtempSync(join(tmpdir(), 'faultline-porcupine-'));
  try {
    process.stderr.write(`bench: building Porcupine from ${dir}\n`);
    const binary = buildPorcupine(dir, build);
    const theirs = new Map<string, { linearizable: boolean; ms: number }>();
    for (let pass = 0; pass < 3; pass++) {
      const lines = execFileSync(binary, logs, { encoding: 'utf8', maxBuffer: 1 << 26 });
      for (const line of lines.trim().split('\n')) {
        const { log, linearizable, ms } = JSON.parse(line);
        const known = theirs.get(log);
        theirs.set(log, { linearizable, ms: Math.min(ms, known?.ms ?? Number.POSITIVE_INFINITY) });
      }
    }
    const histories = logs.map((log) => ({ log, ops: jepsenLogOps(readFileSync(log, 'utf8')) }));
    const ours = new Map<string, { valid: unknown; ms: number }>();
    for (let pass = 0; pass < 3; pass++) {
      for (const { log, ops } of histories) {
        const started = performance.now();
        const result = checkLinearizable(ops, { model: 'cas-register', timeLimitMs: 60_000 });
        const ms = performance.now() - started;
        const known = ours.get(log);
        ours.set(log, {
          valid: result.valid,
          ms: Math.min(ms, known?.ms ?? Number.POSITIVE_INFINITY),
        });
      }
    }
    const disagree = logs.filter((log) => theirs.get(log)!.linearizable !== ours.get(log)!.valid);
    const total = (m: Map<string, { ms: number }>) => [...m.values()].reduce((s, r) => s + r.ms, 0);
    const [oursMs, theirsMs] = [total(ours), total(theirs)];
    const slowest = (m: Map<string, { ms: number }>) =>
      Math.max(...[...m.values()].map((r) => r.ms)).toFixed(1);
    const invalid = logs.filter((log) => theirs.get(log)!.linearizable === false).length;
    printTable(
      [
        ['', 'total', 'slowest log', 'not linearizable'],
        [
          'Porcupine (reference)',
          `${theirsMs.toFixed(1)} ms`,
          `${slowest(theirs)} ms`,
          `${invalid} of ${logs.length}`,
        ],
        [
          'faultline',
          `${oursMs.toFixed(1)} ms`,
          `${slowest(ours)} ms`,
          `${logs.filter((log) => ours.get(log)!.valid === false).length} of ${logs.length}`,
        ],
      ],
      [0],
    );
    console.log(
      `faultline / Porcupine: ${(oursMs / theirsMs).toFixed(2)}× (goal ≤ 1.0); verdicts ${disagree.length === 0 ? `identical on all ${logs.length}` : `differ on ${disagree.map((l) => l.split('/').pop()).join(', ')}`}`,
    );
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

/** Why Porcupine cannot be measured beside faultline here, or undefined. */
function porcupineBlocker(checkout: string | undefined): string | undefined {
  if (!checkout)
    return 'give a checkout of Porcupine with --porcupine <dir> or FAULTLINE_PORCUPINE=<dir>';
  if (!existsSync(join(checkout, 'porcupine.go')))
    return `${checkout} is not a checkout of Porcupine (no porcupine.go)`;
  if (!existsSync(join(checkout, 'test_data', 'jepsen')))
    return `${checkout} has no test_data/jepsen (Jepsen's etcd logs)`;
  if (!goBinary()) return 'no Go toolchain (go) on PATH or in /usr/local/go/bin';
  return undefined;
}

function goBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/go/bin'];
  return dirs.map((d) => join(d, 'go')).find((p) => existsSync(p));
}

/** Builds bench/porcupine/ against the checkout; returns the binary's path. */
function buildPorcupine(checkout: string, build: string): string {
  const source = fileURLToPath(new URL('./porcupine/', import.meta.url));
  for (const file of ['main.go', 'go.mod']) copyFileSync(join(source, file), join(build, file));
  const go = goBinary()!;
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const options: ExecFileSyncOptions = { cwd: build, env, stdio: ['ignore', 'ignore', 'inherit'] };
  execFileSync(
    go,
    ['mod', 'edit', `-replace=github.com/anishathalye/porcupine=${checkout}`],
    options,
  );
  execFileSync(go, ['build', '-o', 'porcupine-bench', '.'], options);
  return join(build, 'porcupine-bench');
}

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { SYSTEM_NAMES, SYSTEMS } from '../adapters/index.ts';
import { Firewall, leftoverRules } from '../chaos/firewall.ts';
import { faultBlocker, NEMESIS_NAMES } from '../chaos/index.ts';
import { ensureHelper, helperBlocker } from '../chaos/netdelay.ts';
import { UsageError } from '../core/errors.ts';
import { HistoryParseError, opLine } from '../core/history.ts';
import { readHistoryFile } from '../core/history-reader.ts';
import { OpTable } from '../core/op-table.ts';
import { removeDockerLeftovers } from '../docker/leftovers.ts';
import { dockerStatus } from '../docker/status.ts';
import { type Baseline, baselineOf, changesFrom, parseBaseline } from '../harness/baseline.ts';
import { checkTarget, checkTargets, type HistoryCheck } from '../harness/check.ts';
import { UnknownModelError } from '../harness/checkers/elle/list-append.ts';
import { CHECKED_MODELS, isCheckedModel } from '../harness/checkers/elle/models.ts';
import { CHECKER_NAMES, isCheckerName } from '../harness/checkers/index.ts';
import { UnknownOpError } from '../harness/checkers/linearizable/index.ts';
import { MODELS } from '../harness/checkers/linearizable/models.ts';
import { compare } from '../harness/compare.ts';
import { COMPARE_FLAGS } from '../harness/compare-flags.ts';
import { parseCompareOptions, parseSeconds, SYSTEM_FLAGS } from '../harness/config.ts';
import { toEdnLines } from '../harness/export-edn.ts';
import { parseResults, type RunResults } from '../harness/results.ts';
import { engineStatus, faultToolsStatus, setupFaultTools, setupSystems } from '../harness/setup.ts';
import { findLeftovers, healCrashedRuns } from '../harness/state.ts';
import { addSystemOptions } from '../harness/system-flags.ts';
import { VERSION } from '../harness/version.ts';
import { renderComparison } from '../reports/compare.ts';
import { buildDashboard } from '../reports/dashboard/server.ts';
import { renderReport } from '../reports/html.ts';
import { matrixMarkdown } from '../reports/markdown.ts';
import { WORKLOADS } from '../workloads/index.ts';

const program = new Command('faultline')
  .description('Compare NoSQL databases under the same faults.')
  .version(VERSION)
  .exitOverride()
  .configureOutput({
    outputError: (text, write) => write(`faultline: ${text.replace(/^error: /, '')}`),
  });

const compareCommand = program
  .command('compare')
  .description(
    'run one workload against each system under faults, check the histories, write a report',
  )
  .action(async (raw: Record<string, unknown>) => {
    const config = parseCompareOptions(raw);
    const { exitCode } = await compare(config, { renderReport });
    exitNow(exitCode);
  });
for (const f of COMPARE_FLAGS) {
  const option = new Option(`--${f.flag} ${f.placeholder}`, f.help);
  compareCommand.addOption(f.default === undefined ? option : option.default(f.default));
}
// Each system's own settings, as its declaration gives them (help, defaults, bounds).
addSystemOptions(compareCommand, SYSTEM_FLAGS);

program
  .command('heal')
  .description('stop the nodes of crashed runs and remove their leftovers')
  .action(async () => {
    const running = findLeftovers().running;
    for (const r of running)
      console.error(`run ${r.id} is still in progress (pid ${r.pid}); left alone`);
    const report = await healCrashedRuns();
    // Containers of a run still in progress carry its folder in their label.
    report.push(
      ...(await removeDockerLeftovers((run) => running.some((r) => run.startsWith(r.runDir)))),
    );
    const rules = leftoverRules();
    if (rules.length > 0 && running.length === 0) {
      await new Firewall().teardown();
      report.push(`removed faultline's iptables chain (${rules.length} line(s) of iptables -S)`);
    }
    console.error(report.length ? report.join('\n') : 'nothing to heal');
  });

program
  .command('dashboard')
  .description(
    'serve the runs folder in a browser: runs, reports, comparisons, and a form to start runs with live progress',
  )
  .option(
    '--host <address>',
    'address to listen on; anything but loopback opens the reads to the network',
    '127.0.0.1',
  )
  .option('--port <n>', 'port to listen on (0: any free port)', '8080')
  .option('--runs <dir>', 'the runs folder it lists and where started runs go', 'runs')
  .action(async (options: { host: string; port: string; runs: string }) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port: "${options.port}" is not a port (0 to 65535)`);
    const token = process.env.FAULTLINE_DASHBOARD_TOKEN || randomBytes(18).toString('base64url');
    const { app, runner } = buildDashboard({
      runs: options.runs,
      token,
      logger: { level: process.env.FAULTLINE_LOG_LEVEL ?? 'info' },
    });
    try {
      await app.listen({ host: options.host, port });
    } catch (error) {
      throw new UsageError(`cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
    }
    const address = app.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${bound}/`;
    console.error(`faultline dashboard: ${url}#token=${token}`);
    console.error(
      process.env.FAULTLINE_DASHBOARD_TOKEN
        ? 'token: from FAULTLINE_DASHBOARD_TOKEN'
        : `token: ${token} (needed to start, cancel and delete runs; set FAULTLINE_DASHBOARD_TOKEN to choose it)`,
    );
    if (!['127.0.0.1', '::1', 'localhost'].includes(options.host))
      console.error(
        `faultline dashboard: listening on ${options.host}: its reads are open to that network`,
      );
    // A run in progress is cancelled as Ctrl-C would: healed, nodes stopped, history kept.
    let stopping = false;
    const shutdown = async (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.error(
        `faultline dashboard: ${signal}: stopping${runner.runningId ? ` run ${runner.runningId} first` : ''}…`,
      );
      await runner.stop();
      await app.close();
      exitNow(0);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
  });

program
  .command('summary <runs...>')
  .description(
    'print the matrix of runs (folders with results.json) as Markdown, for a CI job summary',
  )
  .action((runs: string[]) => {
    process.stdout.write(matrixMarkdown(runs.map(readRunResults)));
  });

program
  .command('report <runs...>')
  .description(
    "write a run's report.html again from its results.json and histories (the run folder); with --compare, one report of several runs side by side",
  )
  .option('--compare', 'compare the runs: verdicts that changed, throughput and p99 deltas')
  .option(
    '--out <file>',
    "where to write it (default: the run's report.html; with --compare, compare.html in the current folder)",
  )
  .action((runs: string[], options: { compare?: boolean; out?: string }) => {
    const folders = runs.map(runFolder);
    if (options.compare) {
      if (folders.length < 2) throw new UsageError('--compare needs two or more run folders');
      const out = options.out ?? 'compare.html';
      writeFileSync(
        out,
        renderComparison(folders.map((dir) => ({ dir, results: readRunResults(dir) }))),
      );
      console.error(`wrote ${out}`);
      return;
    }
    if (folders.length > 1 && options.out)
      throw new UsageError('--out names one file: give one run, or --compare');
    for (const dir of folders) {
      const out = options.out ?? join(dir, 'report.html');
      writeFileSync(out, renderReport(readRunResults(dir), dir));
      console.error(`wrote ${out}`);
    }
  });

program
  .command('baseline <runs...>')
  .description(
    "write the runs' verdicts to a baseline file (--write), or compare them with one (--check: exit 1 if a verdict changed)",
  )
  .option('--write <file>', 'merge these runs into this baseline (created if missing)')
  .option('--check <file>', 'compare these runs with this baseline')
  .action((runs: string[], options: { write?: string; check?: string }) => {
    if (!options.write === !options.check)
      throw new UsageError('give exactly one of --write <file> or --check <file>');
    const results = runs.map(readRunResults);
    if (options.write) {
      const over = existsSync(options.write) ? readBaseline(options.write) : undefined;
      const baseline = baselineOf(results, over);
      writeFileSync(options.write, `${JSON.stringify(baseline, null, 2)}\n`);
      console.error(
        `${options.write}: ${Object.keys(baseline.verdicts).length} row(s) of verdicts (${results.reduce((n, r) => n + r.matrix.length, 0)} from these runs)`,
      );
      return;
    }
    const { changes, unknown } = changesFrom(readBaseline(options.check!), results);
    for (const key of unknown)
      console.log(`- new (not in the baseline): ${key}; faultline baseline --write adds it`);
    for (const c of changes)
      console.log(`- **changed**: ${c.key}: ${c.cell} was ${c.was}, now ${c.now} (${c.value})`);
    if (changes.length === 0) console.log(`verdicts as in ${options.check}`);
    else process.exitCode = 1;
  });

program
  .command('check <histories...>')
  .description(
    "check saved histories (JSONL files, or run folders: each history with its run's checkers); one JSON line per history; exit 0 valid, 1 any invalid, 3 any unknown, 2 bad input",
  )
  .option(
    '--checker <name>',
    `run this checker only: ${CHECKER_NAMES.join(', ')} (required for a file outside a run folder)`,
  )
  .option(
    '--model <name>',
    `linearizable: ${Object.keys(MODELS).join(' or ')} (default: cas-register if the history has cas ops)`,
  )
  .option(
    '--time-limit <time>',
    'linearizable: search budget per history; beyond it the verdict is unknown',
    '60s',
  )
  .option('--total <n>', 'bank: the money in the bank (default: the total of the first read)')
  .option(
    '--consistency-model <name>',
    `list-append: the strongest model checked: ${CHECKED_MODELS.join(', ')} (default: the run's, else serializable)`,
  )
  .action(
    (
      paths: string[],
      options: {
        checker?: string;
        model?: string;
        timeLimit: string;
        total?: string;
        consistencyModel?: string;
      },
    ) => {
      if (options.checker && !isCheckerName(options.checker))
        throw new UsageError(
          `unknown checker "${options.checker}"; valid: ${CHECKER_NAMES.join(', ')}`,
        );
      if (options.model && options.checker !== 'linearizable')
        throw new UsageError('--model applies to --checker=linearizable only');
      if (options.model && !MODELS[options.model])
        throw new UsageError(
          `unknown model "${options.model}"; valid: ${Object.keys(MODELS).join(', ')}`,
        );
      if (options.consistencyModel && !isCheckedModel(options.consistencyModel))
        throw new UsageError(
          `--consistency-model: unknown consistency model "${options.consistencyModel}"; valid: ${CHECKED_MODELS.join(', ')}`,
        );
      const timeLimitMs = parseSeconds(options.timeLimit, '--time-limit') * 1000;
      const total = options.total !== undefined ? parseTotal(options.total) : undefined;
      const cliOptions = (checker: string): Record<string, unknown> => ({
        ...(checker === 'linearizable' ? { timeLimitMs } : {}),
        ...(checker === 'linearizable' && options.model ? { model: options.model } : {}),
        ...(checker === 'bank' && total !== undefined ? { total } : {}),
      });
      const targets = checkTargets(paths);
      const counts = { valid: 0, invalid: 0, unknown: 0 };
      for (const target of targets) {
        const history = readSavedHistory(target.path);
        let checked: HistoryCheck;
        try {
          checked = checkTarget(target, history, {
            ...(options.checker ? { checker: options.checker } : {}),
            options: cliOptions,
            ...(options.consistencyModel ? { consistencyModel: options.consistencyModel } : {}),
          });
        } catch (error) {
          if (error instanceof UnknownOpError)
            throw new UsageError(`${target.path}: ${error.message}`);
          if (error instanceof UnknownModelError)
            throw new UsageError(`${target.path}: ${error.message}`);
          throw error;
        }
        console.log(JSON.stringify(checked));
        counts[
          checked.valid === true ? 'valid' : checked.valid === false ? 'invalid' : 'unknown'
        ]++;
      }
      console.error(
        `checked ${targets.length} ${targets.length === 1 ? 'history' : 'histories'}: ${counts.invalid} invalid, ${counts.unknown} unknown, ${counts.valid} valid`,
      );
      process.exitCode = counts.invalid > 0 ? 1 : counts.unknown > 0 ? 3 : 0;
    },
  );

program
  .command('export <history>')
  .description(
    'write a saved history (either format) as one JSON object per op (jsonl), or as Jepsen EDN for Elle or Knossos',
  )
  .addOption(
    new Option('--format <format>', 'output format').choices(['edn', 'jsonl']).default('edn'),
  )
  .option('--out <file>', 'write to this file instead of standard output')
  .action((file: string, options: { format: 'edn' | 'jsonl'; out?: string }) => {
    const fd = options.out ? openSync(options.out, 'w') : 1;
    let count = 0;
    try {
      if (options.format === 'jsonl') {
        // Streamed: a history of any length is exported in a chunk's memory.
        let pending = '';
        readSaved(file, () =>
          readHistoryFile(file, (op) => {
            count++;
            pending += opLine(op);
            if (pending.length > 1 << 20) pending = writeAll(fd, pending);
          }),
        );
        writeAll(fd, pending);
      } else {
        const history = readSavedHistory(file).ops();
        count = history.length;
        writeAll(fd, `${toEdnLines(history).join('\n')}\n`);
      }
    } finally {
      if (options.out) closeSync(fd);
    }
    if (options.out) console.error(`wrote ${count} ops to ${options.out}`);
  });

program
  .command('list')
  .description(
    'list the systems (each with its settings flags at their defaults), workloads and faults',
  )
  .action(() => {
    console.log('systems:');
    for (const s of Object.values(SYSTEMS)) {
      console.log(`  ${s.name.padEnd(14)} ${s.engine}`);
      const kinds = Object.keys(s.clients).join(', ');
      console.log(
        `  ${''.padEnd(14)} clients: ${kinds}${s.features.length ? `; ${s.features.join(', ')}` : ''}`,
      );
      const flags = s.settings.flags().map(({ flag, setting }) => `--${flag}=${setting.default}`);
      console.log(`  ${''.padEnd(14)} ${flags.join(' ')}`);
    }
    console.log('workloads:');
    for (const w of Object.values(WORKLOADS)) console.log(`  ${w.name.padEnd(14)} ${w.summary}`);
    console.log(`faults: ${NEMESIS_NAMES.join(', ')}`);
  });

program
  .command('setup [systems...]')
  .description('install the engines the local provider needs and build the fault helpers')
  .action(async (systems: string[]) => {
    for (const name of systems) {
      if (!SYSTEMS[name])
        throw new UsageError(`unknown system "${name}"; valid: ${SYSTEM_NAMES.join(', ')}`);
    }
    const tools = await setupFaultTools((line) => console.error(line));
    const ok = await setupSystems(systems.length ? systems : SYSTEM_NAMES, (line) =>
      console.error(line),
    );
    const blocker = helperBlocker();
    if (blocker) console.error(`latency fault: skipped, it ${blocker}`);
    else console.error(`latency fault: delay helper at ${await ensureHelper(console.error)}`);
    if (!ok || !tools) process.exitCode = 1;
  });

program
  .command('doctor')
  .description(
    'say which systems can run here (local engines, docker images), which faults, how to install what is missing',
  )
  .action(async () => {
    for (const system of Object.values(SYSTEMS)) console.log(engineStatus(system).line);
    for (const line of await dockerStatus(Object.values(SYSTEMS))) console.log(line);
    console.log(faultToolsStatus());
    const latency = helperBlocker();
    console.log(
      `faults: ${NEMESIS_NAMES.filter((n) => !faultBlocker(n)).length} of ${NEMESIS_NAMES.length} can run here${latency ? `; latency ${latency}` : ''}`,
    );
    for (const name of NEMESIS_NAMES) {
      const reason = faultBlocker(name);
      if (reason) console.log(`  ${name}: ${reason}`);
    }
  });

/** The run folder a path names (the folder, or its results.json). */
function runFolder(run: string): string {
  return run.endsWith('results.json') ? dirname(run) : run;
}

/** A run's results.json (given its folder), or a one-line usage error. */
function readRunResults(run: string): RunResults {
  const file = run.endsWith('.json') ? run : join(run, 'results.json');
  if (!existsSync(file))
    throw new UsageError(
      `${run}: no results.json (a run folder that finished, or its results.json)`,
    );
  return readSaved(file, () => parseResults(readFileSync(file, 'utf8')));
}

function readBaseline(file: string): Baseline {
  return readSaved(file, () => parseBaseline(readFileSync(file, 'utf8')));
}

/** A saved history, or a one-line usage error naming the file (and the bad line). */
function readSavedHistory(file: string): OpTable {
  return readSaved(file, () => OpTable.read(file));
}

/** Runs `read` on a saved history; a malformed or unreadable file becomes one line of bad input. */
function readSaved<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof HistoryParseError) throw new UsageError(`${file}: ${error.message}`);
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Writes all of `text` to `fd`, waiting while a pipe is full; returns "" for the caller's buffer. */
function writeAll(fd: number, text: string): string {
  let data = Buffer.from(text);
  while (data.length > 0) {
    try {
      data = data.subarray(writeSync(fd, data));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  return '';
}

/**
 * Ends a command that drove database clients once its results are written.
 * Drivers may keep timers alive after every client is shut down (the
 * Cassandra driver's pools go on reconnecting to a node that was killed
 * during the run), which would leave the command hanging after its report.
 * Standard error and files are written synchronously, so nothing is lost.
 */
function exitNow(code: number): never {
  process.exit(code);
}

function parseTotal(text: string): number {
  const total = Number(text);
  if (!Number.isFinite(total)) throw new UsageError(`--total: "${text}" is not a number`);
  return total;
}

// Output whose reader went away (a closed terminal, `| head`, a parent that
// stopped reading) must not crash a run before it has stopped its nodes.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`faultline: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`faultline: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  }
}

import { Command, CommanderError, Option } from 'commander';
import { bench } from './bench.ts';

/**
 * `npm run bench`: its own command, beside the faultline CLI rather than in
 * it, so that the harness never imports the bench (which measures it).
 */
const program = new Command('faultline-bench')
  .description('store throughput and latency, and checker speed, with ratios against references')
  .exitOverride()
  .configureOutput({
    outputError: (text, write) => write(`faultline bench: ${text.replace(/^error: /, '')}`),
  })
  .option('--duration <time>', 'seconds per store measurement', '10')
  .addOption(
    new Option(
      '--only <part>',
      'run one part: store, store-moves, store-vs-redis, recording, redis, mysql-cluster, mysql-async, couchdb, cassandra, mongodb, checkers, porcupine or report',
    ).choices([
      'store',
      'store-moves',
      'store-vs-redis',
      'recording',
      'redis',
      'mysql-cluster',
      'mysql-async',
      'couchdb',
      'cassandra',
      'mongodb',
      'checkers',
      'porcupine',
      'report',
    ]),
  )
  .option(
    '--porcupine <dir>',
    'a checkout of Porcupine: its Jepsen etcd logs checked by both, timed side by side (default: $FAULTLINE_PORCUPINE; skipped without one)',
  )
  .action(async (options: { duration: string; only?: string; porcupine?: string }) => {
    await bench(options);
    // Drivers may keep timers alive after their clients close (see the CLI's exitNow).
    process.exit(0);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}

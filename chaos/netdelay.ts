import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  builtPath,
  type CachedBuild,
  ensureBuilt,
  goBinary,
  goBuild,
} from '../core/cached-build.ts';
import { LocalProcess, waitUntil } from '../core/processes.ts';

/**
 * The packet-delay helper (`chaos/netdelay/`, Go): holds the packets iptables
 * sends to an NFQUEUE for a delay with jitter. It stands in for tc netem,
 * which kernels built without sch_netem lack (this project's machines among
 * them). Built from source on first use and cached by the hash of its source.
 */
const SOURCE = fileURLToPath(new URL('./netdelay/', import.meta.url));

const HELPER: CachedBuild = {
  name: 'netdelay',
  source: SOURCE,
  files: /\.(go|mod|sum)$/,
  what: 'the packet-delay helper (Go)',
  build: (out) => goBuild(SOURCE, out, `latency ${helperBlocker()}`),
};

/** Where the helper for the current source lives once built. */
export function helperPath(): string {
  return builtPath(HELPER);
}

/** Why the helper cannot be had here, or undefined. */
export function helperBlocker(): string | undefined {
  if (existsSync(helperPath()) || goBinary()) return undefined;
  return 'needs Go to build its packet-delay helper (chaos/netdelay; tc netem is not used)';
}

/** Builds the helper unless the current source is built already; returns its path. */
export function ensureHelper(log: (line: string) => void = () => {}): Promise<string> {
  return ensureBuilt(HELPER, (line) => log(`latency: ${line}`));
}

export interface DelaySpec {
  queue: number;
  delayMs: number;
  jitterMs: number;
  seed: number;
}

/** One running helper, bound to its queue. */
export class DelayHelper {
  private constructor(readonly process: LocalProcess) {}

  /** Starts the helper and waits until its queue is bound ("ready"). */
  static async start(binary: string, spec: DelaySpec, logFile: string): Promise<DelayHelper> {
    const helper = new LocalProcess(
      binary,
      [
        `--queue=${spec.queue}`,
        `--delay=${spec.delayMs}ms`,
        `--jitter=${spec.jitterMs}ms`,
        `--seed=${spec.seed}`,
        `--parent-pid=${process.pid}`,
      ],
      logFile,
    );
    // Measured before the start: a helper quick to bind its queue has
    // written "ready" by the time start() returns.
    const from = logSize(logFile);
    await helper.start();
    try {
      await waitUntil(
        'packet-delay helper',
        async () => {
          if (!helper.running) throw new Error(`exited: ${helper.tail(2)}`);
          return readFileSync(logFile, 'utf8').slice(from).includes('ready\n');
        },
        5000,
        20,
      );
    } catch (error) {
      await helper.kill();
      throw new Error(
        `packet-delay helper did not start: ${helper.tail(2) || (error as Error).message}`,
      );
    }
    return new DelayHelper(helper);
  }

  /** SIGTERM: the helper lets every held packet through, then exits. */
  stop(): Promise<void> {
    return this.process.stop();
  }
}

function logSize(file: string): number {
  try {
    return readFileSync(file, 'utf8').length;
  } catch {
    return 0;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * A node's OS process, started by the local provider. Each runs in its own
 * process group (so a terminal's Ctrl-C reaches only the harness, which then
 * stops the nodes in order) and is signalled by group, never by name.
 */
export class LocalProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly logFile: string,
    readonly options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Starts the process (with extra environment, e.g. libfaketime); resolves once spawned. */
  start(extraEnv: Record<string, string> = {}): Promise<number> {
    const log = openSync(this.logFile, 'a');
    const child = spawn(this.command, this.args, {
      cwd: this.options.cwd,
      env: { ...(this.options.env ?? process.env), ...extraEnv },
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (error) =>
        reject(new Error(`cannot start ${this.command}: ${error.message}`)),
      );
    });
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running || !this.child?.pid) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // Already gone between the check and the signal.
    }
  }

  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; a paused process is resumed first. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines of the log, for error messages. */
  tail(lines = 5): string {
    return logTail(this.logFile, lines);
  }
}

/** The last lines of a node's log file, for error messages; empty if it cannot be read. */
export function logTail(file: string, lines = 5): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Thrown by a probe of `waitUntil` when waiting longer cannot help (the process exited). */
export class StopWaiting extends Error {}

/**
 * Polls `probe` until it resolves true, or throws after `timeoutMs`; a
 * probe's error counts as not yet, except StopWaiting, which ends the wait.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await probe().catch((error: unknown) => {
      if (error instanceof StopWaiting) throw error;
      return false;
    });
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** True when something accepts a TCP connection on host:port now. */
export function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` is alive and its command line contains `marker` (no PID-reuse mix-ups). */
export function processMatches(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

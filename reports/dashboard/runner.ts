import { compare } from '../../harness/compare.ts';
import { withDefaults } from '../../harness/compare-flags.ts';
import { parseCompareOptions } from '../../harness/config.ts';
import type { RunEvent } from '../../harness/run-events.ts';
import { renderReport } from '../html.ts';

/** A second start while a run goes (HTTP 409). */
export class RunInProgress extends Error {
  constructor(readonly id: string) {
    super(`run ${id} is in progress; wait for it to finish or cancel it first`);
  }
}

/** How many events a late subscriber is sent first (the log's tail, the last progress). */
const REPLAY = 200;

interface Current {
  id: string;
  abort: AbortController;
  events: RunEvent[];
  done: Promise<void>;
}

/**
 * The dashboard's runs: one at a time, through the same compare() as the
 * CLI, its events kept for late subscribers and pushed to live ones.
 */
export class Runner {
  private current: Current | undefined;
  private starting = false;
  private readonly listeners = new Set<(event: RunEvent) => void>();

  constructor(
    private readonly out: string,
    private readonly log: (line: string) => void,
  ) {}

  get runningId(): string | undefined {
    return this.current?.id;
  }

  /**
   * Starts a run with the options as the form gives them (strings, as on the
   * command line); resolves with its id once its folder exists. Bad options
   * throw compare's own UsageError, with the CLI's one-line message.
   */
  start(given: Record<string, unknown>): Promise<string> {
    if (this.current) return Promise.reject(new RunInProgress(this.current.id));
    if (this.starting) return Promise.reject(new RunInProgress('(starting)'));
    const config = parseCompareOptions({ ...withDefaults(given), out: this.out });
    const abort = new AbortController();
    const events: RunEvent[] = [];
    this.starting = true;
    return new Promise<string>((resolve, reject) => {
      let started = false;
      const onEvent = (event: RunEvent) => {
        if (event.type === 'started') {
          started = true;
          this.starting = false;
          this.current = { id: event.id, abort, events, done };
          resolve(event.id);
        }
        events.push(event);
        if (events.length > REPLAY * 2) events.splice(0, events.length - REPLAY);
        for (const listener of this.listeners) listener(event);
      };
      const done = compare(config, {
        log: this.log,
        renderReport,
        signal: abort.signal,
        onEvent,
      })
        .then(() => undefined)
        .catch((error: Error) => {
          // Before its folder a run fails as bad input would (another run's nodes, a missing image).
          if (!started) reject(error);
          else this.log(`run failed: ${error.stack ?? error.message}`);
        })
        .finally(() => {
          this.starting = false;
          if (this.current?.done === done) this.current = undefined;
        });
    });
  }

  /** Cancels the run `id` (as Ctrl-C would); false when it is not the one running. */
  cancel(id: string): boolean {
    if (this.current?.id !== id) return false;
    this.current.abort.abort();
    return true;
  }

  /** Cancels whatever runs and waits until its nodes are stopped and its results written. */
  async stop(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.abort.abort();
    await current.done;
  }

  /** Subscribes to the current and later runs' events; the current run's recent ones come first. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    for (const event of this.current?.events.slice(-REPLAY) ?? []) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

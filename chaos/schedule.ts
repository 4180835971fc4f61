import type { Cluster } from '../core/contracts.ts';
import type { NewOp } from '../core/history.ts';
import type { Rng } from '../core/rng.ts';
import type { FaultRecord, Nemesis } from './types.ts';

export interface FaultWindow {
  fault: string;
  nodes: string[];
  /** Run-clock nanoseconds; `end` is undefined while the fault lasts. */
  start: number;
  end?: number;
}

export interface ScheduleOptions {
  /** Healthy time before each fault. */
  intervalMs: number;
  /** How long each fault lasts. */
  durationMs: number;
  rng: Rng;
  clock: () => number;
  /** Appends a nemesis op to the history. */
  record: (op: NewOp) => void;
}

/**
 * Runs faults on a schedule: `intervalMs` healthy, then one fault for
 * `durationMs`, and again, until stopped. The faults take turns in the order
 * given (the random stream picks their nodes), so a short run still meets
 * the first fault listed: a random pick could leave a 30 s run of
 * `partition-isolate,kill,pause` without its partition nearly half the time.
 * Each start and end is an invoke/info pair of process "nemesis".
 */
export class NemesisSchedule {
  readonly windows: FaultWindow[] = [];
  private active: { nemesis: Nemesis; window: FaultWindow } | undefined;
  private readonly stopped = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly nemeses: Nemesis[],
    private readonly cluster: Cluster,
    private readonly options: ScheduleOptions,
  ) {}

  /** The fault in effect now, for the progress line and latency phases. */
  get current(): FaultWindow | undefined {
    return this.active?.window;
  }

  start(): void {
    if (this.nemeses.length === 0) return;
    this.loop = this.run().catch((error: Error) => {
      this.options.record({ process: 'nemesis', type: 'info', f: 'error', error: error.message });
    });
  }

  /** Stops scheduling, ends the fault in effect and heals every nemesis. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.loop;
    await this.endActive();
    for (const nemesis of this.nemeses) await nemesis.heal(this.cluster);
  }

  private async run(): Promise<void> {
    const { intervalMs, durationMs, rng } = this.options;
    for (let turn = 0; !this.stopped.signal.aborted; turn++) {
      if (!(await this.sleep(intervalMs))) return;
      const nemesis = this.nemeses[turn % this.nemeses.length]!;
      const done = await this.act(nemesis.name, () => nemesis.start(this.cluster, rng));
      if (!done) continue;
      this.active = {
        nemesis,
        window: { fault: nemesis.name, nodes: done.value.nodes, start: this.options.clock() },
      };
      this.windows.push(this.active.window);
      if (!(await this.sleep(durationMs))) return;
      await this.endActive();
    }
  }

  private async endActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    await this.act(active.nemesis.endName, () => active.nemesis.stop(this.cluster));
    active.window.end = this.options.clock();
    this.active = undefined;
  }

  /** Records invoke, runs the action, records its outcome as info. */
  private async act(
    f: string,
    action: () => Promise<FaultRecord>,
  ): Promise<FaultRecord | undefined> {
    this.options.record({ process: 'nemesis', type: 'invoke', f });
    try {
      const result = await action();
      this.options.record({ process: 'nemesis', type: 'info', f: result.f, value: result.value });
      return result;
    } catch (error) {
      this.options.record({ process: 'nemesis', type: 'info', f, error: (error as Error).message });
      return undefined;
    }
  }

  /** Sleeps unless stopped first; returns false when stopped. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.stopped.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

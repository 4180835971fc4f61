import type { Client, Completion, Invocation, NodeHandle } from '../adapters/types.ts';
import type { HistoryWriter, NewOp } from '../core/history.ts';
import type { Metrics, Phase } from './metrics.ts';

/** Longest a client call may take before the harness records it as unknown. */
const SAFETY_TIMEOUT_MS = 15_000;

export interface WorkerContext {
  history: HistoryWriter;
  clock: () => number;
  /** A fresh process id (of the same thread) after `previous`, for a worker whose last op's outcome is unknown. */
  newProcess: (previous: number) => number;
}

/**
 * A worker is a Jepsen process: one client, pinned to one node, running one
 * operation at a time and recording each invocation and completion. After an
 * `info` (outcome unknown, the op may still be in flight) it continues under a
 * new process id, so a process never has two operations open in the history.
 */
export class Worker {
  /** For the watchdog: the call in flight, if any, and whether it is watching this worker. */
  inflight: Call | undefined;
  watched = false;

  constructor(
    public process: number,
    readonly node: NodeHandle,
    readonly client: Client,
    private readonly context: WorkerContext,
  ) {}

  async execute(op: Invocation, observe?: { metrics: Metrics; phase: Phase }): Promise<Completion> {
    const { history, clock } = this.context;
    const isRead = op.f === 'read';
    history.append(this.entry(op, 'invoke', isRead ? null : op.value));
    const started = clock();
    const completion = await this.call(op);
    const entry = this.entry(
      op,
      completion.type,
      completion.type === 'ok' && (isRead || completion.value !== undefined)
        ? completion.value
        : op.value,
    );
    if (completion.type === 'ok' && completion.siblings) entry.siblings = true;
    if (completion.type !== 'ok') entry.error = completion.error;
    const done = history.append(entry);
    observe?.metrics.record(op.f, observe.phase, completion.type, done.time - started, done.time);
    if (completion.type === 'info') this.process = this.context.newProcess(this.process);
    return completion;
  }

  /**
   * The client's completion of `op`, or info once it has taken longer than
   * SAFETY_TIMEOUT_MS (a client bug must not stall the run). One watchdog
   * timer checks every worker's call, rather than a timer per call.
   */
  private call(op: Invocation): Promise<Completion> {
    return new Promise<Completion>((resolve) => {
      const call: Call = {
        since: Date.now(),
        settle: (completion) => {
          if (this.inflight === call) this.inflight = undefined;
          resolve(completion);
        },
      };
      this.inflight = call;
      if (!this.watched) watch(this);
      this.client
        .invoke(op)
        .then(call.settle, (error: unknown) =>
          call.settle({ type: 'info', error: `client threw: ${String(error)}` }),
        );
    });
  }

  /** A history entry of this worker for `op` (built field by field: this runs twice per op). */
  private entry(op: Invocation, type: NewOp['type'], value: unknown): NewOp {
    const entry: NewOp = { process: this.process, type, f: op.f, value, node: this.node.id };
    if (op.key !== undefined) entry.key = op.key;
    if (op.final) entry.final = op.final;
    if (op.replica) entry.replica = true;
    return entry;
  }
}

interface Call {
  since: number;
  settle: (completion: Completion) => void;
}

/**
 * Workers with a call in flight at the last check, or started since. One
 * seen idle is dropped and comes back with its next call, so the workers of
 * a finished run are not held.
 */
const WATCHED = new Set<Worker>();
let watchdog: NodeJS.Timeout | undefined;

function watch(worker: Worker): void {
  worker.watched = true;
  WATCHED.add(worker);
  watchdog ??= setInterval(checkCalls, 1000).unref();
}

function checkCalls(): void {
  const now = Date.now();
  for (const worker of WATCHED) {
    const call = worker.inflight;
    if (!call) {
      WATCHED.delete(worker);
      worker.watched = false;
    } else if (now - call.since >= SAFETY_TIMEOUT_MS) {
      call.settle({
        type: 'info',
        error: `no completion from the client in ${SAFETY_TIMEOUT_MS} ms`,
      });
    }
  }
  if (WATCHED.size === 0) {
    clearInterval(watchdog);
    watchdog = undefined;
  }
}

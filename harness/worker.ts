import type { Client, Completion, Invocation, NodeHandle } from '../adapters/types.ts';
import type { HistoryWriter } from './history.ts';
import type { Metrics, Phase } from './metrics.ts';

/** Longest a client call may take before the harness records it as unknown. */
const SAFETY_TIMEOUT_MS = 15_000;

export interface WorkerContext {
  history: HistoryWriter;
  clock: () => number;
  /** A fresh process id, for a worker whose last op's outcome is unknown. */
  newProcess: () => number;
}

/**
 * A worker is a Jepsen process: one client, pinned to one node, running one
 * operation at a time and recording each invocation and completion. After an
 * `info` (outcome unknown, the op may still be in flight) it continues under a
 * new process id, so a process never has two operations open in the history.
 */
export class Worker {
  constructor(
    public process: number,
    readonly node: NodeHandle,
    readonly client: Client,
    private readonly context: WorkerContext,
  ) {}

  async execute(op: Invocation, observe?: { metrics: Metrics; phase: Phase }): Promise<Completion> {
    const { history, clock } = this.context;
    const isRead = op.f === 'read';
    history.append({
      process: this.process,
      type: 'invoke',
      f: op.f,
      ...(op.key !== undefined ? { key: op.key } : {}),
      value: isRead ? null : op.value,
      node: this.node.id,
      ...(op.final ? { final: op.final } : {}),
      ...(op.replica ? { replica: true as const } : {}),
    });
    const started = clock();
    const completion = await withSafetyTimeout(this.client.invoke(op));
    const done = history.append({
      process: this.process,
      type: completion.type,
      f: op.f,
      ...(op.key !== undefined ? { key: op.key } : {}),
      value:
        completion.type === 'ok' && (isRead || completion.value !== undefined)
          ? completion.value
          : op.value,
      node: this.node.id,
      ...(op.final ? { final: op.final } : {}),
      ...(op.replica ? { replica: true as const } : {}),
      ...(completion.type === 'ok' && completion.siblings ? { siblings: true as const } : {}),
      ...(completion.type !== 'ok' ? { error: completion.error } : {}),
    });
    observe?.metrics.record(op.f, observe.phase, completion.type, done.time - started, done.time);
    if (completion.type === 'info') this.process = this.context.newProcess();
    return completion;
  }
}

async function withSafetyTimeout(call: Promise<Completion>): Promise<Completion> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Completion>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          type: 'info',
          error: `no completion from the client in ${SAFETY_TIMEOUT_MS} ms`,
        }),
      SAFETY_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      call.catch(
        (error: unknown): Completion => ({ type: 'info', error: `client threw: ${String(error)}` }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

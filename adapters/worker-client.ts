import type { Client, Completion, Invocation } from './types.ts';

/**
 * What every system's per-workload clients share: one operation at a
 * time, and an error turned into `fail` or `info` by the system's own rule
 * (`fail` only when the operation certainly did not take effect). A
 * client says how it runs an op (`run`); throwing is how it reports
 * trouble.
 */
export abstract class WorkerClient implements Client {
  async invoke(op: Invocation): Promise<Completion> {
    try {
      return await this.run(op);
    } catch (error) {
      return this.completionOf(op, error);
    }
  }

  protected abstract run(op: Invocation): Promise<Completion>;
  protected abstract completionOf(op: Invocation, error: unknown): Completion;
  abstract close(): Promise<void>;

  protected unsupported(op: Invocation): Completion {
    return { type: 'fail', error: `unsupported operation ${op.f}` };
  }
}

/**
 * The read half of a write that reads first (a read-modify-write, an
 * update with the revision read) failed: nothing was written, so the op
 * certainly did not take effect.
 */
export class ReadPartFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('read part of the write failed');
  }
}

/** Runs `read`, marking its failure as the read half's. */
export async function readPart<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw new ReadPartFailed(error);
  }
}

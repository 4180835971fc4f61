import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Client, Completion, NodeHandle } from '../adapters/types.ts';
import { HistoryWriter, readHistory } from '../core/history.ts';
import { tempDir } from '../test/temp-dirs.ts';
import { Worker } from './worker.ts';

const node = { id: 'n1', host: '127.0.0.1', port: 1, clientAddress: '127.0.0.1' } as NodeHandle;

function workerWith(invoke: Client['invoke']) {
  const path = join(tempDir('fl-worker-'), 'h.jsonl');
  let t = 0;
  const history = new HistoryWriter(path, () => t++);
  let next = 10;
  const client = { invoke, close: async () => {} } as Client;
  const worker = new Worker(0, node, client, { history, clock: () => t, newProcess: () => next++ });
  return { worker, history, path };
}

describe('worker', () => {
  afterEach(() => vi.useRealTimers());

  it('records a call that never completes as info after the safety timeout, and goes on under a new process', async () => {
    vi.useFakeTimers();
    const { worker, history, path } = workerWith(() => new Promise<Completion>(() => {}));
    const done = worker.execute({ f: 'write', key: 'k', value: 1 });
    await vi.advanceTimersByTimeAsync(14_000);
    let settled = false;
    void done.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await done).toEqual({
      type: 'info',
      error: 'no completion from the client in 15000 ms',
    });
    expect(worker.process).toBe(10);
    history.close();
    expect(readHistory(path).map((o) => [o.process, o.type, o.key, o.value])).toEqual([
      [0, 'invoke', 'k', 1],
      [0, 'info', 'k', 1],
    ]);
  });

  it('records a client that throws as info, and an ok read with what it read', async () => {
    const answers: (() => Promise<Completion>)[] = [
      () => Promise.reject(new Error('boom')),
      () => Promise.resolve({ type: 'ok', value: 7 }),
    ];
    const { worker, history, path } = workerWith(() => answers.shift()!());
    expect(await worker.execute({ f: 'write', key: 'k', value: 7 })).toMatchObject({
      type: 'info',
      error: 'client threw: Error: boom',
    });
    await worker.execute({ f: 'read', key: 'k', replica: true });
    history.close();
    const ops = readHistory(path);
    expect(ops.map((o) => [o.process, o.type, o.value, o.replica])).toEqual([
      [0, 'invoke', 7, undefined],
      [0, 'info', 7, undefined],
      [10, 'invoke', null, true],
      [10, 'ok', 7, true],
    ]);
    expect(ops[1]!.error).toBe('client threw: Error: boom');
  });
});

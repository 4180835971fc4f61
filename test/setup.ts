import { afterAll, beforeEach, expect } from 'vitest';
import { sweepNodeHomes } from '../adapters/mysql-cluster/cluster-files.ts';
import { removeTempDirs } from './temp-dirs.ts';

// Every test file's temporary folders go when it ends; the MariaDB node
// homes they linked to (outside them, under the system's temporary folder)
// go with them.
afterAll(async () => {
  await removeTempDirs();
  await sweepNodeHomes();
});

// Tests that run programs synchronously (spawnSync) never give the event
// loop a turn between them: a file of them blocks it for their sum (55 s
// for the CLI tests on CI). One turn before each test lets the worker read
// its runner's replies in time.
beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

// vitest's worker answers its runner within 60 s or the run fails with
// "Timeout calling onTaskUpdate" though every test passed: a test that
// blocks the event loop that long is named here, so it can be found.
let tick = Date.now();
setInterval(() => {
  const gap = Date.now() - tick;
  tick = Date.now();
  if (gap > 20_000)
    console.warn(
      `test worker: the event loop was blocked for ${Math.round(gap / 1000)} s (in or before: ${expect.getState().currentTestName ?? 'a hook'})`,
    );
}, 1000).unref();

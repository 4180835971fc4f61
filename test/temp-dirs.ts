import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders of the tests, removed after each test file (by
 * test/setup.ts): runs, histories and node data add up to gigabytes over a
 * CI run. FAULTLINE_KEEP_TEST_DIRS=1 keeps them, to look into a failure.
 */
const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Removed off the event loop: a file's runs can hold gigabytes (six
 * clusters' data in the docker tests), and a worker blocked for a minute
 * misses vitest's own 60 s RPC deadline ("Timeout calling onTaskUpdate").
 */
export async function removeTempDirs(): Promise<void> {
  if (process.env.FAULTLINE_KEEP_TEST_DIRS === '1') return;
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

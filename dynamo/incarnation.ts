import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Counts the starts of a node, durably, before it serves.
 *
 * Why: a coordinator sends a new version to its peers while its own log
 * write may still be pending. Killed in that window, the node comes back
 * without that version while the peers have it, and would hand the same
 * (node, counter) dot to a different value: two versions with one identity,
 * one of them silently dropped on merge. Issuing dots under `id#incarnation`
 * makes every start a fresh actor, so no dot can be issued twice (the same
 * fix as Riak's per-vnode epochs).
 */
export async function nextIncarnation(dataDir: string): Promise<number> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'incarnation');
  const previous = Number((await readFile(path, 'utf8').catch(() => '0')).trim()) || 0;
  const next = previous + 1;
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w');
  await file.writeFile(`${next}\n`);
  await file.sync();
  await file.close();
  await rename(tmp, path);
  const dir = await open(dataDir, 'r');
  await dir.sync();
  await dir.close();
  return next;
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findOnPath } from './tools.ts';

const run = promisify(execFile);

/** Where helpers built from the repository's own sources are kept (ignored by git). */
const CACHE = fileURLToPath(new URL('../.faultline/bin/', import.meta.url));

/** A helper built from source on first use, cached under the hash of its source. */
export interface CachedBuild {
  /** File name stem of the product, e.g. `netdelay`. */
  name: string;
  /** Suffix of the product, e.g. `.so`. */
  suffix?: string;
  /** The source folder. */
  source: string;
  /** Which files of `source` the product depends on. */
  files: RegExp;
  /** What it is, for messages ("the packet-delay helper"). */
  what: string;
  /** Builds into `out`; throws with the compiler's stderr on failure. */
  build(out: string): Promise<void>;
}

export function builtPath(spec: CachedBuild): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(spec.source).sort()) {
    if (spec.files.test(file)) hash.update(file).update(readFileSync(join(spec.source, file)));
  }
  return join(CACHE, `${spec.name}-${hash.digest('hex').slice(0, 12)}${spec.suffix ?? ''}`);
}

const building = new Map<string, Promise<string>>();

/** Builds unless the current source is built already; returns the product's path. */
export function ensureBuilt(
  spec: CachedBuild,
  log: (line: string) => void = () => {},
): Promise<string> {
  const path = builtPath(spec);
  if (existsSync(path)) return Promise.resolve(path);
  // Nodes starting together share one build.
  let pending = building.get(path);
  if (!pending) {
    pending = build(spec, path, log).finally(() => building.delete(path));
    building.set(path, pending);
  }
  return pending;
}

async function build(
  spec: CachedBuild,
  path: string,
  log: (line: string) => void,
): Promise<string> {
  log(`building ${spec.what} (first use only)…`);
  mkdirSync(CACHE, { recursive: true });
  // Built beside its final name and renamed: a concurrent build or a crash
  // never leaves a half-written product under the cached name.
  const partial = `${path}.${process.pid}.tmp`;
  try {
    await spec.build(partial);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join('; ');
    throw new Error(`cannot build ${spec.what}: ${stderr || (error as Error).message}`);
  }
  return path;
}

/** Go's binary: on PATH, or where the official tarball installs it. */
export function goBinary(): string | undefined {
  return findOnPath('go', ['/usr/local/go/bin']);
}

/**
 * `go build` of the main package in `source` into `out`: static (no cgo),
 * reproducible paths; modules come from the Go module proxy on first use.
 */
export async function goBuild(source: string, out: string, missing: string): Promise<void> {
  const go = goBinary();
  if (!go) throw new Error(missing);
  await run(go, ['build', '-trimpath', '-buildvcs=false', '-o', out, '.'], {
    cwd: source,
    env: { ...process.env, CGO_ENABLED: '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

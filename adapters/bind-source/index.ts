import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { builtPath, type CachedBuild, ensureBuilt } from '../../core/cached-build.ts';
import { findOnPath } from '../../core/tools.ts';

const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('./', import.meta.url));

const SHIM: CachedBuild = {
  name: 'bind-source',
  suffix: '.so',
  source: SOURCE,
  files: /\.c$/,
  what: 'the source-address preload (C)',
  async build(out) {
    const cc = findOnPath('cc') ?? findOnPath('gcc');
    if (!cc) throw new Error(bindSourceBlocker());
    await run(cc, ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, 'bind-source.c', '-ldl'], {
      cwd: SOURCE,
    });
  },
};

/** Why the preload cannot be had here, or undefined. */
export function bindSourceBlocker(): string | undefined {
  if (existsSync(builtPath(SHIM)) || findOnPath('cc') || findOnPath('gcc')) return undefined;
  return 'needs a C compiler for its source-address preload (apt-get install gcc)';
}

/** Builds the preload unless built already; returns its path. */
export function bindSourceLibrary(): Promise<string> {
  return ensureBuilt(SHIM);
}

/**
 * The environment that makes a process's outgoing loopback connections
 * leave from `address` (built on first use).
 */
export async function bindSourceEnv(address: string): Promise<Record<string, string>> {
  return { LD_PRELOAD: await bindSourceLibrary(), FAULTLINE_BIND_SOURCE: address };
}

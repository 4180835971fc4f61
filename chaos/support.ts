import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Why a fault that needs root and a tool cannot be injected here, or undefined. */
export function rootFaultBlocker(tool: string): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (run as root, or in CI)';
  if (!findOnPath(tool, ['/usr/sbin', '/sbin']))
    return `needs ${tool} (apt-get install ${tool === 'tc' ? 'iproute2' : tool})`;
  return undefined;
}

/** The executable `tool` on PATH or in one of `extraDirs`, or undefined. */
export function findOnPath(tool: string, extraDirs: readonly string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const path = join(dir, tool);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

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

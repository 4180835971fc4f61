import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Why a fault that needs root and a tool cannot be injected here, or undefined. */
export function rootFaultBlocker(tool: string): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (run as root, or in CI)';
  if (!onPath(tool)) return `needs ${tool} (apt-get install ${tool === 'tc' ? 'iproute2' : tool})`;
  return undefined;
}

function onPath(tool: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

import { findOnPath } from '../core/tools.ts';

/** Why a fault that needs root and a tool cannot be injected here, or undefined. */
export function rootFaultBlocker(tool: string): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (run as root, or in CI)';
  if (!findOnPath(tool, ['/usr/sbin', '/sbin']))
    return `needs ${tool} (apt-get install ${tool === 'tc' ? 'iproute2' : tool})`;
  return undefined;
}

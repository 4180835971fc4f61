import { readFileSync } from 'node:fs';

/**
 * The peak resident memory of this process image, from /proc (VmHWM).
 * getrusage's maxrss would not do: Linux carries it over from the parent
 * across fork and exec, so a child of a big bench process reports the
 * parent's peak.
 */
export function peakRssMb(): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

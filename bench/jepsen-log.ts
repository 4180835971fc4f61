import type { Op } from '../core/history.ts';

/**
 * A Jepsen etcd log (tab-separated `INFO jepsen.util - <process> <type>
 * <f> <value>` lines) as faultline ops on one key: `:fail :cas` is a cas
 * that did not match, `:fail :read :timed-out` a read that returned
 * nothing, `:info` an op whose outcome is unknown.
 */
export function jepsenLogOps(text: string): Op[] {
  const ops: Op[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split('\t');
    if (fields.length < 4 || !fields[0]!.startsWith('INFO')) continue;
    const process = Number(fields[0]!.trim().split(/\s+/).pop());
    if (!Number.isInteger(process)) continue;
    const [, kind, f, value] = fields as [string, string, string, string];
    const numbers = value.replace(/[[\]]/g, '').trim().split(/\s+/).map(Number);
    const type = kind.slice(1) as Op['type'];
    const name = f.slice(1);
    const parsed =
      name === 'cas' ? numbers : value === 'nil' || value.startsWith(':') ? null : numbers[0]!;
    ops.push({
      index: ops.length,
      time: ops.length,
      process,
      type,
      f: name,
      key: 'r',
      value: type === 'invoke' && name === 'read' ? null : parsed,
    });
  }
  return ops;
}

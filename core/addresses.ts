import type { NodeHandle } from './contracts.ts';

/**
 * The loopback addressing plan (ARCHITECTURE.md): node n of the system
 * with subnet s listens on 127.0.<10+s>.<n>; the workers pinned to it
 * connect from 127.0.<10+s>.<100+n>, so a partition by address cuts a node
 * together with its clients. Every 127.0.0.0/8 address binds on `lo` with
 * no setup. Each system declares its subnet (`System.subnet`), one per
 * system in the registry.
 */
function nodeAddress(subnet: number, n: number): string {
  checkNode(n);
  return `127.0.${octet(subnet)}.${n}`;
}

function clientAddress(subnet: number, n: number): string {
  checkNode(n);
  return `127.0.${octet(subnet)}.${100 + n}`;
}

/**
 * A source address of no node's workers, 127.0.<10+s>.200: on a cluster
 * of one node the harness pins every other worker to it, so a partition
 * can cut clients off the node (with one node there is no other link).
 */
export function spareClientAddress(subnet: number): string {
  return `127.0.${octet(subnet)}.200`;
}

/** Nodes `n1`…`n<count>` of a subnet, each on its own address, all on `port`. */
export function loopbackNodes(subnet: number, count: number, port: number): NodeHandle[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `n${i + 1}`,
    host: nodeAddress(subnet, i + 1),
    port,
    clientAddress: clientAddress(subnet, i + 1),
  }));
}

function octet(subnet: number): number {
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 89)
    throw new Error(`subnet ${subnet} is outside 1..89`);
  return 10 + subnet;
}

function checkNode(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new Error(`node number ${n} is outside 1..99`);
}

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/**
 * What a node has used so far, as the kernel counts it: cumulative CPU
 * time, disk and network bytes, and the memory it holds now. The resource
 * sampler (harness/resources.ts) turns successive readings into rates.
 */
export interface NodeUsage {
  cpuSeconds: number;
  memoryBytes: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  /** Absent where the node's own traffic cannot be told apart (processes on a shared loopback). */
  netRxBytes?: number;
  netTxBytes?: number;
}

// Linux reports CPU time in clock ticks and memory in pages; both are these
// values on every architecture Node runs faultline on.
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/**
 * The usage of a process group (a local node and whatever it forked),
 * summed over its live processes from /proc; undefined once none is left.
 */
export function processGroupUsage(pgid: number, proc = '/proc'): NodeUsage | undefined {
  let found = false;
  const usage: NodeUsage = { cpuSeconds: 0, memoryBytes: 0, diskReadBytes: 0, diskWriteBytes: 0 };
  for (const entry of readdirSync(proc)) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrEmpty(`${proc}/${entry}/stat`);
    const fields = statFields(stat);
    if (!fields || Number(fields[2]) !== pgid) continue;
    found = true;
    // After "(comm) state": ppid pgrp … utime(14) stime(15) … rss(24), 1-based as in proc(5).
    usage.cpuSeconds += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    usage.memoryBytes += Number(fields[21]) * PAGE_BYTES;
    const io = readOrEmpty(`${proc}/${entry}/io`);
    usage.diskReadBytes += Number(/^read_bytes: (\d+)/m.exec(io)?.[1] ?? 0);
    usage.diskWriteBytes += Number(/^write_bytes: (\d+)/m.exec(io)?.[1] ?? 0);
  }
  return found ? usage : undefined;
}

/** /proc/<pid>/stat after the command's name (which may hold spaces and parentheses). */
function statFields(stat: string): string[] | undefined {
  const end = stat.lastIndexOf(')');
  return end < 0 ? undefined : stat.slice(end + 2).split(' ');
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The process ended between the listing and the read.
    return '';
  }
}

/** One TCP socket's counters as `ss -tin` prints them. */
export interface SocketBytes {
  local: string;
  remote: string;
  sent: number;
  received: number;
}

/** Parses `ss -tinH` output: a line per socket, then its indented info line. */
export function parseSockets(text: string): SocketBytes[] {
  const out: SocketBytes[] = [];
  let current: { local: string; remote: string } | undefined;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      const parts = line.trim().split(/\s+/);
      current =
        parts.length >= 5 ? { local: unmapped(parts[3]!), remote: unmapped(parts[4]!) } : undefined;
    } else if (current) {
      const sent = /\bbytes_acked:(\d+)/.exec(line)?.[1];
      const received = /\bbytes_received:(\d+)/.exec(line)?.[1];
      out.push({ ...current, sent: Number(sent ?? 0), received: Number(received ?? 0) });
      current = undefined;
    }
  }
  return out;
}

/**
 * An IPv4 address as an IPv4 socket would show it: a JVM (Cassandra) opens
 * IPv6 sockets that carry IPv4, which ss prints as [::ffff:127.0.0.2]:9042.
 */
function unmapped(address: string): string {
  return address.replace(/^\[::ffff:(\d+\.\d+\.\d+\.\d+)\]/, '$1');
}

const run = promisify(execFile);

/**
 * Traffic per loopback address, for nodes that share the loopback device:
 * the bytes of every TCP socket bound to a node's address, accumulated over
 * readings so a socket that closes keeps what it carried up to its last
 * reading. One `ss` per reading serves every node.
 */
export class LoopbackTraffic {
  private readonly last = new Map<string, { sent: number; received: number }>();
  private readonly totals = new Map<string, { rx: number; tx: number }>();

  constructor(private readonly addresses: readonly string[]) {}

  async read(): Promise<Map<string, { rx: number; tx: number }>> {
    const { stdout } = await run('ss', ['-tinH'], { maxBuffer: 64 << 20 });
    const seen = new Set<string>();
    for (const socket of parseSockets(stdout)) {
      const address = socket.local.replace(/:\d+$/, '');
      if (!this.addresses.includes(address)) continue;
      const key = `${socket.local} ${socket.remote}`;
      seen.add(key);
      const before = this.last.get(key) ?? { sent: 0, received: 0 };
      // A port reused by a new connection starts again from 0.
      const fresh = socket.sent < before.sent || socket.received < before.received;
      const total = this.totals.get(address) ?? { rx: 0, tx: 0 };
      total.tx += socket.sent - (fresh ? 0 : before.sent);
      total.rx += socket.received - (fresh ? 0 : before.received);
      this.totals.set(address, total);
      this.last.set(key, { sent: socket.sent, received: socket.received });
    }
    for (const key of this.last.keys()) if (!seen.has(key)) this.last.delete(key);
    return new Map([...this.totals].map(([a, t]) => [a, { ...t }]));
  }
}

/**
 * The Dynamo store's server program: one OS process per node.
 *
 *   node --import tsx dynamo/server.ts --id n1 \
 *     --members n1=127.0.11.1:7000,n2=127.0.11.2:7000,n3=127.0.11.3:7000 \
 *     --data /tmp/n1 [--tokens 32] [--n 3 --r 2 --w 2] [--fsync always] \
 *     [--sloppy-quorum on] [--gossip-interval-ms 100] [--phi-threshold 8] \
 *     [--handoff-interval-ms 1000] [--conflicts siblings|lww] [--read-repair on] \
 *     [--anti-entropy-interval-ms 5000] [--join]
 *
 * With --join the node is a new member of a running cluster (--members
 * names it and the members it learns the ring from): it takes its share of
 * the data, then serves.
 *
 * Prints one JSON line `{"ready":true,...}` on stdout once it accepts
 * connections. With --parent-pid it exits when that process is gone, so a
 * harness killed with SIGKILL leaves no node behind.
 */
import { parseArgs } from 'node:util';
import { DynamoNode, type Member } from './node.ts';
import type { FsyncPolicy } from './storage.ts';

const FSYNC: FsyncPolicy[] = ['always', 'interval', 'never'];

function fail(message: string): never {
  process.stderr.write(`dynamo: ${message}\n`);
  process.exit(2);
}

function parseMembers(text: string): Member[] {
  return text.split(',').map((entry) => {
    const match = /^([\w-]+)=([\d.]+):(\d+)$/.exec(entry.trim());
    if (!match) fail(`bad member "${entry}": expected id=host:port`);
    return { id: match[1]!, host: match[2]!, port: Number(match[3]) };
  });
}

function int(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a non-negative integer`);
  return value;
}

const { values } = parseArgs({
  options: {
    id: { type: 'string' },
    members: { type: 'string' },
    data: { type: 'string' },
    tokens: { type: 'string' },
    n: { type: 'string' },
    r: { type: 'string' },
    w: { type: 'string' },
    fsync: { type: 'string' },
    'fsync-interval-ms': { type: 'string' },
    'replica-timeout-ms': { type: 'string' },
    'sloppy-quorum': { type: 'string' },
    'gossip-interval-ms': { type: 'string' },
    'phi-threshold': { type: 'string' },
    'handoff-interval-ms': { type: 'string' },
    conflicts: { type: 'string' },
    'read-repair': { type: 'string' },
    'anti-entropy-interval-ms': { type: 'string' },
    join: { type: 'boolean' },
    'parent-pid': { type: 'string' },
  },
});

if (!values.id || !values.members || !values.data) fail('--id, --members and --data are required');
const fsync = (values.fsync ?? 'always') as FsyncPolicy;
if (!FSYNC.includes(fsync)) fail(`--fsync must be one of ${FSYNC.join(', ')}`);
const sloppy = values['sloppy-quorum'] ?? 'on';
if (sloppy !== 'on' && sloppy !== 'off') fail('--sloppy-quorum must be on or off');
const conflicts = values.conflicts ?? 'siblings';
if (conflicts !== 'siblings' && conflicts !== 'lww') fail('--conflicts must be siblings or lww');
const readRepair = values['read-repair'] ?? 'on';
if (readRepair !== 'on' && readRepair !== 'off') fail('--read-repair must be on or off');

const node = await DynamoNode.start({
  id: values.id,
  members: parseMembers(values.members),
  dataDir: values.data,
  tokens: int('tokens', values.tokens, 32),
  n: int('n', values.n, 3),
  r: int('r', values.r, 2),
  w: int('w', values.w, 2),
  fsync,
  fsyncIntervalMs: int('fsync-interval-ms', values['fsync-interval-ms'], 200),
  replicaTimeoutMs: int('replica-timeout-ms', values['replica-timeout-ms'], 1000),
  sloppyQuorum: sloppy === 'on',
  conflicts,
  readRepair: readRepair === 'on',
  antiEntropyIntervalMs: int('anti-entropy-interval-ms', values['anti-entropy-interval-ms'], 5000),
  join: values.join ?? false,
  gossipIntervalMs: Math.max(1, int('gossip-interval-ms', values['gossip-interval-ms'], 100)),
  phiThreshold: Math.max(1, int('phi-threshold', values['phi-threshold'], 8)),
  handoffIntervalMs: Math.max(1, int('handoff-interval-ms', values['handoff-interval-ms'], 1000)),
}).catch((error: Error) => fail(`cannot start ${values.id}: ${error.message}`));

const { host, port } = node.self;
process.stdout.write(
  `${JSON.stringify({ ready: true, id: values.id, host, port, pid: process.pid })}\n`,
);

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await node.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

const parentPid = values['parent-pid'] ? Number(values['parent-pid']) : undefined;
if (parentPid) {
  // Polling is the portable way to notice a parent that died by SIGKILL.
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      void shutdown(0);
    }
  }, 500).unref();
}

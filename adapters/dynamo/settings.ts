import { choice, defineSettings, integer, millis } from '../../core/settings.ts';

/** Settings of the built-in store: `--n/--r/--w/--tokens/--fsync`, the rest `--dynamo-*`. */
export const dynamoSettings = defineSettings(
  {
    n: integer({ help: 'replication factor N', default: 3, min: 1, max: 99, flag: 'n' }),
    r: integer({ help: 'read quorum R', default: 2, min: 1, max: 99, flag: 'r' }),
    w: integer({ help: 'write quorum W', default: 2, min: 1, max: 99, flag: 'w' }),
    tokens: integer({
      help: 'virtual nodes per node on the ring',
      default: 32,
      min: 1,
      max: 1024,
      flag: 'tokens',
    }),
    fsync: choice(['always', 'interval', 'never'], {
      help: 'when a replica syncs its log to disk',
      default: 'always',
      flag: 'fsync',
      placeholder: '<policy>',
    }),
    replicaTimeoutMs: millis({
      help: 'how long a coordinator waits for a replica before counting it missing',
      default: 1000,
      min: 10,
    }),
    clientTimeoutMs: millis({
      help: 'client request timeout; a write past it is info',
      default: 2000,
      min: 10,
    }),
    sloppyQuorum: choice(['on', 'off'], {
      help: "sloppy quorum and hinted handoff: requests go to the first N nodes up on the key's walk, stand-ins keep hints for the owners they replace (off: only the key's N owners count)",
      default: 'on',
      flag: 'sloppy-quorum',
      placeholder: '<on|off>',
      variants: true,
    }),
    conflicts: choice(['siblings', 'lww'], {
      help: 'concurrent writes: kept as siblings with their vector clocks, or resolved by last-write-wins on the coordinator’s timestamp (lww drops all but one, and clock skew picks which)',
      default: 'siblings',
      flag: 'conflicts',
      placeholder: '<siblings|lww>',
      variants: true,
    }),
    coordination: choice(['node', 'client'], {
      help: "who coordinates a request: the node a worker is pinned to (it forwards to the key's replicas and counts the quorum), or the client itself from its copy of the ring, one hop shorter each way (client-driven coordination, Dynamo paper §6.4; dots under the client's own id, timestamps from the client's clock)",
      default: 'node',
      flag: 'coordination',
      placeholder: '<node|client>',
    }),
    readRepair: choice(['on', 'off'], {
      help: 'read repair: a read sends the merge to replicas that answered with less (off: replicas converge by hinted handoff and anti-entropy alone)',
      default: 'on',
      placeholder: '<on|off>',
    }),
    antiEntropyIntervalMs: millis({
      help: 'how often each node compares Merkle trees of the ranges it shares with one peer and repairs the keys that differ; 0: never',
      default: 5000,
      min: 0,
    }),
    gossipIntervalMs: millis({
      help: 'how often each node beats and gossips membership with 2 random peers',
      default: 100,
      min: 10,
    }),
    phiThreshold: integer({
      help: 'phi at which the failure detector marks a silent peer down (phi accrual, as Cassandra)',
      default: 8,
      min: 1,
      max: 64,
    }),
    handoffIntervalMs: millis({
      help: 'how often a node offers the hints it holds to their owners',
      default: 1000,
      min: 10,
    }),
    port: integer({
      help: 'the port every node listens on, each on its own address',
      default: 7000,
      min: 1024,
      max: 65535,
    }),
  },
  { prefix: 'dynamo' },
);

export type DynamoSettings = ReturnType<typeof dynamoSettings.parse>;

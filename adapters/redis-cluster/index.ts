import { isLocalImage } from '../../core/provider.ts';
import { provisionOn } from '../provision.ts';
import { onImageRow, type System } from '../types.ts';
import {
  RedisBankClient,
  RedisCounterClient,
  RedisKvClient,
  RedisListAppendClient,
  RedisSetClient,
} from './client.ts';
import { RedisCluster, SUBNET } from './cluster.ts';
import { REDIS_PACKAGES, redisBlocker, redisVersion } from './engine.ts';
import { type RedisSettings, redisSettings } from './settings.ts';

/** Redis Cluster: 3 masters with a replica each, Debian's redis-server, ioredis. */
export const redisCluster: System<RedisSettings> = {
  name: 'redis-cluster',
  get engine() {
    return `Redis ${redisVersion() ?? '(not installed)'} (Debian's redis-server), cluster mode`;
  },
  subnet: SUBNET,
  claims: {
    concurrencyControl: 'Locks',
    dataStorage: 'RAM',
    replication: 'Async',
    transactions: 'N',
    cap: 'CP',
    // The notes' claim predates Redis Cluster, which adds nodes online.
    nodeAddition: 'system shutdown',
  },
  // A MULTI/EXEC "is serialized and executed sequentially", never with
  // another client's request in its middle (Redis's transactions page), on
  // the one primary of its hash slot, a single thread that runs requests as
  // they arrive: strict serializability is what that promises.
  claimedModel: () => 'strict-serializable',
  // Transactions (bank, list-append) are MULTI/EXEC and Lua within one hash slot.
  clients: {
    kv: async (cluster, node, settings) => new RedisKvClient(cluster, node, settings),
    register: async (cluster, node, settings) => new RedisKvClient(cluster, node, settings),
    set: async (cluster, node, settings) => new RedisSetClient(cluster, node, settings),
    counter: async (cluster, node, settings) => new RedisCounterClient(cluster, node, settings),
    'list-append': async (cluster, node, settings) =>
      new RedisListAppendClient(cluster, node, settings),
    bank: async (cluster, node, settings) => new RedisBankClient(cluster, node, settings),
  },
  // cas: a Lua script; replica-read: READONLY on a replica.
  features: ['cas', 'replica-read'],
  image: 'redis',
  officialImage: 'redis:7',
  onImage: (image) =>
    isLocalImage(image)
      ? redisCluster
      : onImageRow(redisCluster, { engine: `Redis (the image ${image}), cluster mode` }),
  defaultNodes: 6,
  // The docker provider's image carries Redis itself.
  blocker: (provider) => (provider === 'local' ? redisBlocker() : undefined),
  packages: REDIS_PACKAGES,
  settings: redisSettings,

  validate({ nodes, settings }) {
    const group = 1 + settings.replicas;
    if (nodes < 3 * group || nodes % group !== 0)
      return `redis-cluster needs at least 3 masters of ${group} node(s) each: --nodes=${3 * group}, ${4 * group}, ... (got ${nodes})`;
    return undefined;
  },

  describe(settings) {
    const { replicas, nodeTimeoutMs, appendfsync } = settings;
    return `${replicas} replica(s) per master, node-timeout ${nodeTimeoutMs} ms, appendfsync ${appendfsync}`;
  },

  provision: (provider, options) =>
    provisionOn(provider, options, (o) => new RedisCluster(o, o.settings)),
};

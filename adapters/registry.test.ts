import { describe, expect, it } from 'vitest';
import { WORKLOADS } from '../workloads/index.ts';
import { SYSTEMS } from './index.ts';
import { capabilitiesOf } from './types.ts';

describe('the registry', () => {
  it("gives each workload's client kind to at least one system, and the built-in store the key-value kinds", () => {
    for (const spec of Object.values(WORKLOADS)) {
      const kind = spec.create({ keys: 1, seed: 1 }).client;
      expect(
        Object.values(SYSTEMS).some((s) => s.clients[kind]),
        `${spec.name} (${kind})`,
      ).toBe(true);
    }
    expect(Object.keys(SYSTEMS.dynamo!.clients).sort()).toEqual(['kv', 'register', 'set']);
  });

  it("says what a system offers as its clients' kinds and its features", () => {
    expect(capabilitiesOf(SYSTEMS['redis-cluster']!).sort()).toEqual(
      ['bank', 'cas', 'counter', 'kv', 'list-append', 'register', 'replica-read', 'set'].sort(),
    );
    // cas is a feature of a register client: a system without one cannot claim it.
    for (const system of Object.values(SYSTEMS))
      if (system.features.includes('cas'))
        expect(system.clients.register, system.name).toBeDefined();
  });
});

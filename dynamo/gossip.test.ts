import { describe, expect, it } from 'vitest';
import { PhiAccrualDetector } from './detector.ts';
import { type EndpointState, Gossiper } from './gossip.ts';

const member = (id: string) => ({ id, host: '127.0.0.1', port: 1 });

/** Gossipers on a fake clock, wired to each other in memory; `cut` drops every exchange with a node. */
function cluster(ids: string[]) {
  let now = 0;
  const cut = new Set<string>();
  const nodes = new Map<string, Gossiper>();
  for (const id of ids) {
    const detector = new PhiAccrualDetector({ threshold: 8, expectedIntervalMs: 100 });
    const gossiper = new Gossiper(
      { ...member(id), status: 'normal', tokens: 8 },
      1,
      ids.map(member),
      detector,
      { intervalMs: 100, fanout: 2 },
      async (to, states: EndpointState[]) => {
        if (cut.has(to.id) || cut.has(id)) throw new Error('cut');
        return nodes.get(to.id)!.receive(states);
      },
      () => {},
      () => now,
    );
    nodes.set(id, gossiper);
  }
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      now += 100;
      for (const g of nodes.values()) g.round();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { nodes, cut, run };
}

describe('gossip membership and failure detection', () => {
  it('spreads every heartbeat, so every node sees every other up', async () => {
    const { nodes, run } = cluster(['a', 'b', 'c', 'd']);
    await run(2000);
    for (const g of nodes.values()) {
      expect(g.view().every((p) => p.up && p.generation === 1 && p.heartbeat > 10)).toBe(true);
    }
  });

  it('a node cut off is convicted by all the others, and seen up again after the heal', async () => {
    const { nodes, cut, run } = cluster(['a', 'b', 'c', 'd']);
    await run(1000);
    cut.add('d');
    await run(PhiAccrualDetector.convictionMs(8, 150) + 1000);
    for (const id of ['a', 'b', 'c']) expect(nodes.get(id)!.isUp('d')).toBe(false);
    cut.clear();
    await run(500);
    for (const id of ['a', 'b', 'c']) expect(nodes.get(id)!.isUp('d')).toBe(true);
  });

  it('a seed never heard from is convicted too, not trusted for ever', async () => {
    const { nodes, cut, run } = cluster(['a', 'b', 'c']);
    cut.add('c');
    await run(PhiAccrualDetector.convictionMs(8, 100) + 500);
    expect(nodes.get('a')!.isUp('c')).toBe(false);
    expect(nodes.get('a')!.isUp('b')).toBe(true);
  });

  it('a status change travels with the next heartbeat', async () => {
    const { nodes, run } = cluster(['a', 'b', 'c']);
    await run(500);
    nodes.get('c')!.setStatus('leaving');
    await run(500);
    expect(
      nodes
        .get('a')!
        .view()
        .find((p) => p.id === 'c')!.status,
    ).toBe('leaving');
  });
});

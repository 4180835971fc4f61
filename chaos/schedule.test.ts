import { describe, expect, it } from 'vitest';
import type { Cluster } from '../core/contracts.ts';
import type { NewOp } from '../core/history.ts';
import { seededRng } from '../core/rng.ts';
import { NemesisSchedule } from './schedule.ts';
import type { Nemesis } from './types.ts';

function fake(name: string): Nemesis {
  return {
    name,
    endName: `end-${name}`,
    blocker: () => undefined,
    start: async () => ({ f: name, value: { nodes: ['n1'] } }),
    stop: async () => ({ f: `end-${name}`, value: { nodes: ['n1'] } }),
    heal: async () => {},
  };
}

describe('NemesisSchedule', () => {
  it('gives the faults turns in the order listed, so the first comes first', async () => {
    const recorded: NewOp[] = [];
    const schedule = new NemesisSchedule(
      ['partition-isolate', 'kill', 'pause'].map(fake),
      {} as Cluster,
      {
        intervalMs: 1,
        durationMs: 1,
        rng: seededRng(1),
        clock: () => recorded.length,
        record: (op) => recorded.push(op),
      },
    );
    schedule.start();
    // Bounded wait on a condition: seven faults started.
    for (let i = 0; i < 2000 && schedule.windows.length < 7; i++)
      await new Promise((resolve) => setTimeout(resolve, 2));
    await schedule.stop();
    expect(schedule.windows.slice(0, 7).map((w) => w.fault)).toEqual([
      'partition-isolate',
      'kill',
      'pause',
      'partition-isolate',
      'kill',
      'pause',
      'partition-isolate',
    ]);
  });
});

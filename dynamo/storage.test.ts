import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/temp-dirs.ts';
import { LogStore } from './storage.ts';
import { merge, type Version } from './vclock.ts';

const version = (value: unknown, counter: number): Version => ({
  value,
  dot: { node: 'n1', counter },
  context: { vv: {} },
});

describe('append-only log store', () => {
  for (const fsync of ['always', 'interval', 'never'] as const) {
    it(`replays what it acknowledged (fsync ${fsync})`, async () => {
      const dir = tempDir('fl-store-');
      const store = await LogStore.open(dir, { fsync, fsyncIntervalMs: 10 });
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.put(`k${i % 10}`, [version(i, i + 1)])),
      );
      await store.close();
      const again = await LogStore.open(dir, { fsync });
      expect(again.size).toBe(10);
      expect(again.get('k3')[0]!.value).toBe(93);
      await again.close();
    });
  }

  it('cuts a torn last line and keeps appending after it', async () => {
    const dir = tempDir('fl-store-');
    const store = await LogStore.open(dir, { fsync: 'always' });
    await store.put('a', [version(1, 1)]);
    await store.close();
    appendFileSync(join(dir, 'data.log'), '{"k":"b","v":[{"val');
    const reopened = await LogStore.open(dir, { fsync: 'always' });
    expect(reopened.get('a')[0]!.value).toBe(1);
    expect(reopened.get('b')).toEqual([]);
    await reopened.put('c', [version(3, 2)]);
    await reopened.close();
    const lines = readFileSync(join(dir, 'data.log'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).k)).toEqual(['a', 'c']);
  });

  it('compacts a log that holds far more records than keys', async () => {
    const dir = tempDir('fl-store-');
    const store = await LogStore.open(dir, { fsync: 'never' });
    for (let i = 0; i < 12_000; i++) void store.put(`k${i % 5}`, [version(i, i + 1)]);
    await store.close();
    const compacted = await LogStore.open(dir, { fsync: 'never' });
    expect(compacted.get('k4')[0]!.value).toBe(11_999);
    await compacted.close();
    expect(readFileSync(join(dir, 'data.log'), 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('logs only what a write brought, and replays the join of it', async () => {
    const dir = tempDir('fl-store-');
    const store = await LogStore.open(dir, { fsync: 'interval', join: merge });
    let held: Version[] = [];
    for (let i = 1; i <= 20; i++) {
      // Twenty concurrent writes: twenty siblings, each record one version.
      const added = [{ ...version(i, 1), dot: { node: `w${i}`, counter: 1 } }];
      held = merge(held, added);
      void store.putJoined('k', held, added);
    }
    await store.close();
    const lines = readFileSync(join(dir, 'data.log'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).m.length)).toEqual(Array(20).fill(1));
    const again = await LogStore.open(dir, { fsync: 'never', join: merge });
    expect(
      again
        .get('k')
        .map((v) => v.value)
        .sort((a, b) => Number(a) - Number(b)),
    ).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await again.close();
    await expect(LogStore.open(dir, { fsync: 'never' })).rejects.toThrow(/open it with join/);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/temp-dirs.ts';
import { checkTargets } from './check.ts';

describe('checkTargets', () => {
  it('a run that crashed before results.json: workloads from config.json and the file names', () => {
    const run = tempDir('fl-check-targets-');
    mkdirSync(join(run, 'history'));
    writeFileSync(
      join(run, 'config.json'),
      JSON.stringify({
        workloads: ['set', 'register'],
        keys: 5,
        configurations: {
          cassandra: [
            { label: 'consistency-one', settings: { consistency: 'one' } },
            { label: 'consistency-all', settings: { consistency: 'all' } },
          ],
        },
      }),
    );
    for (const file of [
      'dynamo.set.jsonl',
      'cassandra.consistency-one.register.jsonl',
      'notes.txt',
    ])
      writeFileSync(join(run, 'history', file), '');
    expect(checkTargets([run])).toEqual([
      {
        path: join(run, 'history', 'cassandra.consistency-one.register.jsonl'),
        system: 'cassandra',
        workload: 'register',
        settings: { consistency: 'one' },
        keys: 5,
      },
      {
        path: join(run, 'history', 'dynamo.set.jsonl'),
        system: 'dynamo',
        workload: 'set',
        settings: {},
        keys: 5,
      },
    ]);
  });

  it('refuses a folder that is not a run, and one with no history', () => {
    const empty = tempDir('fl-check-targets-');
    expect(() => checkTargets([empty])).toThrow(/not a run folder \(no config.json\)/);
    writeFileSync(join(empty, 'config.json'), JSON.stringify({ workloads: ['set'] }));
    expect(() => checkTargets([empty])).toThrow(/the run folder holds no history/);
  });
});

import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../adapters/index.ts';
import type { System } from '../adapters/types.ts';
import { UsageError } from '../core/errors.ts';
import { defineSettings, integer } from '../core/settings.ts';
import { addSystemOptions, settingsFromFlags, systemFlags } from './system-flags.ts';

const FLAGS = systemFlags(SYSTEMS);

describe('the flags made from the systems’ settings', () => {
  it('gives every declared setting of every system a compare flag', () => {
    for (const [name, system] of Object.entries(SYSTEMS))
      for (const { flag, key } of system.settings.flags())
        expect(FLAGS.find((f) => f.flag === flag)?.targets).toContainEqual({ system: name, key });
  });

  it('shares a flag two systems declare as one setting (the MariaDB rows)', () => {
    const isolation = FLAGS.find((f) => f.flag === 'mysql-isolation')!;
    expect(isolation.targets.map((t) => t.system).sort()).toEqual(['mysql-async', 'mysql-cluster']);
    expect(FLAGS.find((f) => f.flag === 'galera-sync-wait')!.targets).toEqual([
      { system: 'mysql-cluster', key: 'syncWait' },
    ]);
  });

  it('refuses two different settings under one flag', () => {
    const declare = (name: string) =>
      ({
        name,
        settings: defineSettings(
          { port: integer({ help: name, default: 1, min: 1 }) },
          { prefix: 'same' },
        ),
      }) as unknown as System;
    expect(() => systemFlags({ a: declare('a'), b: declare('b') })).toThrow(
      '--same-port is declared by a and by b as different settings',
    );
  });

  it('puts each setting’s systems, bounds and default in the help', () => {
    const command = new Command('compare');
    addSystemOptions(command, FLAGS);
    const help = command.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain(
      '--redis-node-timeout <ms> redis-cluster: cluster-node-timeout: how long a silent node takes to be flagged failed (100 ms or more, default 2000)',
    );
    expect(help).toContain('a list runs one configuration per value');
  });

  it('hands each system the values given, checked, and nothing for a flag not given', () => {
    const settings = settingsFromFlags(
      { redisNodeTimeout: '0.5s', mysqlIsolation: 'serializable', cassandraConsistency: 'one,all' },
      FLAGS,
    );
    expect(settings['redis-cluster']).toEqual({ nodeTimeoutMs: 500 });
    expect(settings['mysql-cluster']).toEqual({ isolation: 'serializable' });
    expect(settings['mysql-async']).toEqual({ isolation: 'serializable' });
    expect(settings.cassandra).toEqual({ consistency: ['one', 'all'] });
    expect(settings.dynamo).toEqual({});
    expect(() => settingsFromFlags({ galeraSyncWait: '16' }, FLAGS)).toThrow(
      new UsageError('--galera-sync-wait: must be at most 15'),
    );
    expect(() => settingsFromFlags({ redisClientTimeout: '20' }, FLAGS)).toThrow(
      new UsageError('--redis-client-timeout: must be at least 100 ms'),
    );
  });
});

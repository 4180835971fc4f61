import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPARE_FLAGS } from '../../harness/compare-flags.ts';
import { SYSTEM_FLAGS } from '../../harness/config.ts';
import type { RunResults } from '../../harness/results.ts';
import { resultsFixture } from '../../test/fixtures.ts';
import { tempDir } from '../../test/temp-dirs.ts';
import { buildDashboard } from './server.ts';

const TOKEN = 'test-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A runs folder of three runs: the fixture, one with a lost write, one crashed before its results. */
function runsFolder(): { root: string; ids: string[] } {
  const root = tempDir('faultline-dashboard-');
  const base = resultsFixture();
  const valid = {
    ...base,
    id: '2026-12-01T10-00-00-000-write-heavy',
    startedAt: '2026-12-01T10:00:00.000Z',
  };
  const invalid: RunResults = {
    ...base,
    id: '2026-12-02T10-00-00-000-register',
    startedAt: '2026-12-02T10:00:00.000Z',
    config: { ...base.config, workload: 'register', workloads: ['register'] },
    systems: base.systems.map((s) => ({ ...s, workload: 'register', valid: false })),
  };
  for (const run of [valid, invalid]) {
    const dir = join(root, run.id);
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(run.config));
    writeFileSync(join(dir, 'results.json'), JSON.stringify(run));
    writeFileSync(join(dir, 'report.html'), `<!doctype html><title>${run.id}</title>`);
  }
  const crashed = '2026-12-03T10-00-00-000-set';
  mkdirSync(join(root, crashed));
  writeFileSync(join(root, crashed, 'config.json'), JSON.stringify({ workload: 'set', seed: 1 }));
  // Not a run: no config.json, so never listed nor deletable.
  mkdirSync(join(root, 'stray'));
  return { root, ids: [valid.id, invalid.id, crashed] };
}

describe('the dashboard', () => {
  let root: string;
  let ids: string[];
  let dashboard: ReturnType<typeof buildDashboard>;

  beforeEach(() => {
    ({ root, ids } = runsFolder());
    dashboard = buildDashboard({ runs: root, token: TOKEN, runLog: () => {} });
  });
  afterEach(async () => {
    await dashboard.app.close();
  });

  const inject = (options: InjectOptions) => dashboard.app.inject(options);

  it('lists the runs newest first, filtered by system, workload and verdict, sorted as asked', async () => {
    const all = (await inject({ url: '/api/runs' })).json();
    expect(all.running).toBeNull();
    expect(all.runs.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(all.runs[2]).toMatchObject({ verdict: 'valid', systems: ['dynamo'], hasReport: true });
    expect(all.runs[1]).toMatchObject({ verdict: 'invalid', workload: 'register' });
    expect(all.runs[0]).toMatchObject({
      status: 'no-results',
      startedAt: '2026-12-03T10:00:00.000Z',
      hasReport: false,
    });

    const invalid = (await inject({ url: '/api/runs?verdict=invalid' })).json();
    expect(invalid.runs.map((r: { id: string }) => r.id)).toEqual([ids[1]]);
    const byWorkload = (
      await inject({ url: '/api/runs?workload=write-heavy&system=dynamo' })
    ).json();
    expect(byWorkload.runs.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    const oldest = (await inject({ url: '/api/runs?sort=date' })).json();
    expect(oldest.runs[0].id).toBe(ids[0]);
    const anomaliesFirst = (await inject({ url: '/api/runs?sort=verdict' })).json();
    expect(anomaliesFirst.runs[0].id).toBe(ids[1]);

    const bad = await inject({ url: '/api/runs?verdict=maybe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/verdict/);
  });

  it("serves a run's results and report, and a comparison of runs linking their reports", async () => {
    const results = await inject({ url: `/api/runs/${ids[0]}` });
    expect(results.json().matrix[0].system).toBe('dynamo');
    const report = await inject({ url: `/runs/${ids[1]}/report.html` });
    expect(report.headers['content-type']).toMatch(/text\/html/);
    expect(report.body).toContain(ids[1]);
    expect((await inject({ url: `/runs/${ids[2]}/report.html` })).statusCode).toBe(404);

    const compare = await inject({ url: `/compare?runs=${ids[0]}&runs=${ids[1]}` });
    expect(compare.statusCode).toBe(200);
    expect(compare.body).toContain(`href="/runs/${ids[1]}/report.html"`);
    // The verdict differs between the two: the comparison marks it.
    expect(compare.body).toContain('changed');
    expect((await inject({ url: `/compare?runs=${ids[0]}` })).statusCode).toBe(400);
  });

  it('builds no path from an id it has not checked: traversal and non-runs are refused', async () => {
    for (const id of ['..', '..%2F..%2Fetc', '.hidden', 'a%2Fb', 'stray']) {
      const response = await inject({ url: `/api/runs/${id}` });
      expect([400, 404]).toContain(response.statusCode);
    }
    const traversal = await inject({ method: 'DELETE', url: '/api/runs/..%2Fx', headers: auth });
    expect(traversal.statusCode).toBe(400);
    const stray = await inject({ method: 'DELETE', url: '/api/runs/stray', headers: auth });
    expect(stray.statusCode).toBe(404);
    expect(existsSync(join(root, 'stray'))).toBe(true);
  });

  it('refuses to start, cancel or delete without the token', async () => {
    const wrong = { authorization: 'Bearer nope' };
    for (const headers of [{}, wrong]) {
      const start = await inject({ method: 'POST', url: '/api/runs', payload: {}, headers });
      expect(start.statusCode).toBe(401);
      expect(start.json().error).toMatch(/token/);
      const del = await inject({ method: 'DELETE', url: `/api/runs/${ids[0]}`, headers });
      expect(del.statusCode).toBe(401);
      const cancel = await inject({ method: 'POST', url: `/api/runs/${ids[0]}/cancel`, headers });
      expect(cancel.statusCode).toBe(401);
    }
    expect(existsSync(join(root, ids[0]!))).toBe(true);
  });

  it("gives the CLI's one-line message for a bad value, and names an unknown option", async () => {
    const start = (payload: Record<string, unknown>) =>
      inject({ method: 'POST', url: '/api/runs', payload, headers: auth });
    expect((await start({ duration: 'soon' })).json()).toEqual({
      error: '--duration: "soon" is not a duration (e.g. 30, 30s, 2m)',
    });
    expect((await start({ workload: 'nope' })).json().error).toMatch(
      /^--workload: unknown workload "nope"; valid: .*write-heavy/,
    );
    expect((await start({ label: '../../etc' })).json().error).toMatch(/^--label: /);
    expect((await start({ redisNodeTimeout: '1' })).json().error).toMatch(
      /^--redis-node-timeout: must be at least/,
    );
    expect((await start({ out: '/tmp' })).json().error).toBe(
      'unknown option "out": GET /api/options lists them',
    );
    expect((await start({ concurrency: 'x'.repeat(500) })).statusCode).toBe(400);
    expect(dashboard.runner.runningId).toBeUndefined();
  });

  it('deletes a finished run with the token; a cancel of a run not running is a conflict', async () => {
    const cancel = await inject({
      method: 'POST',
      url: `/api/runs/${ids[0]}/cancel`,
      headers: auth,
    });
    expect(cancel.statusCode).toBe(409);
    const del = await inject({ method: 'DELETE', url: `/api/runs/${ids[0]}`, headers: auth });
    expect(del.statusCode).toBe(204);
    expect(existsSync(join(root, ids[0]!))).toBe(false);
    const again = await inject({ method: 'DELETE', url: `/api/runs/${ids[0]}`, headers: auth });
    expect(again.statusCode).toBe(404);
  });

  it("offers every compare flag but --out and every system flag, from the CLI's own declarations", async () => {
    const schema = (await inject({ url: '/api/options' })).json();
    const names = Object.keys(schema.properties);
    const expected = [
      ...COMPARE_FLAGS.filter((f) => !f.cliOnly).map((f) => f.attribute),
      ...SYSTEM_FLAGS.map((f) => f.attribute),
    ];
    expect(names.sort()).toEqual(expected.sort());
    expect(schema.properties.duration).toMatchObject({ title: '--duration', default: '30' });
    expect(schema.properties.n.title).toBe('--n');
    const page = await inject({ url: '/' });
    expect(page.body).toContain('<form id="start"');
    expect(page.body).not.toMatch(/<script\b[^>]*\ssrc=|<link\b[^>]*\shref=/);
  });
});

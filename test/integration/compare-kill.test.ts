import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../core/history.ts';
import { resultOf } from '../../harness/checkers/index.ts';
import { compareDynamo } from '../runs.ts';

describe('compare on the built-in store, end to end', () => {
  it('N=3 W=2 R=2 with a node killed and restarted mid-run: no acknowledged write is lost', async () => {
    const { exitCode, runDir, results } = await compareDynamo({
      concurrency: '12',
      duration: '12',
      keys: '300',
      nemesis: 'kill',
      nemesisInterval: '3',
      nemesisDuration: '3',
      seed: '42',
      n: '3',
      r: '2',
      w: '2',
    });
    expect(exitCode).toBe(0);
    const [dynamo] = results.systems;
    expect(dynamo!.status).toBe('complete');

    // The fault really happened: kills and restarts are in the history.
    const history = readHistory(join(runDir, 'history', 'dynamo.jsonl'));
    const nemesis = history.filter((op) => op.process === 'nemesis' && op.type === 'info');
    expect(nemesis.filter((op) => op.f === 'kill').length).toBeGreaterThanOrEqual(2);
    expect(nemesis.filter((op) => op.f === 'restart').length).toBe(
      nemesis.filter((op) => op.f === 'kill').length,
    );
    expect(dynamo!.faults.length).toBeGreaterThanOrEqual(2);
    // Workers pinned to the killed node saw errors, so the fault bit.
    expect(dynamo!.metrics!.fail + dynamo!.metrics!.info).toBeGreaterThan(0);

    const lost = resultOf(dynamo!.checkers, 'lost-writes')!;
    expect(lost.acknowledged).toBeGreaterThan(1000);
    expect(lost).toMatchObject({ valid: true, lost: 0 });
    expect(dynamo!.checkers['unexpected-values']!.valid).toBe(true);
    expect(dynamo!.checkers.convergence).toMatchObject({ valid: true, diverged: 0 });

    // Each node's resources, a sample a second: the killed node's readings break while it is down.
    const resources = dynamo!.resources!;
    expect(resources.nodes.map((n) => n.node)).toEqual(['n1', 'n2', 'n3']);
    for (const node of resources.nodes) {
      expect(node.t.length).toBeGreaterThanOrEqual(8);
      expect(node.totals.cpuSeconds).toBeGreaterThan(0);
      expect(node.totals.netRxMB + node.totals.netTxMB).toBeGreaterThan(0);
    }
    const killed = new Set(dynamo!.faults.flatMap((f) => f.nodes));
    const gaps = resources.nodes.filter((n) => killed.has(n.node) && n.memoryMB.includes(null));
    expect(gaps.length).toBeGreaterThan(0);

    for (const file of ['config.json', 'results.json', 'junit.xml', 'report.html']) {
      expect(existsSync(join(runDir, file))).toBe(true);
    }
    const report = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(report).toContain('kill');
    // Self-contained: the charts' code is inlined, nothing is loaded from elsewhere.
    expect(report).toContain('uPlot');
    expect(report).not.toMatch(
      /<(script|img|iframe)\b[^>]*\ssrc=|<link\b[^>]*\shref=|@import|url\(\s*['"]?https?:/i,
    );
  }, 90_000);

  it('kill-all: the whole cluster crashes and restarts; with fsync always nothing acknowledged is lost', async () => {
    const { results, runDir } = await compareDynamo({
      concurrency: '8',
      duration: '8',
      keys: '200',
      nemesis: 'kill-all',
      nemesisInterval: '3',
      nemesisDuration: '2',
      seed: '7',
      fsync: 'always',
    });
    const [dynamo] = results.systems;
    const history = readHistory(join(runDir, 'history', 'dynamo.jsonl'));
    const crash = history.find(
      (op) => op.process === 'nemesis' && op.type === 'info' && op.f === 'kill-all',
    );
    expect((crash!.value as { nodes: string[] }).nodes.sort()).toEqual(['n1', 'n2', 'n3']);
    // While every node was down the workers' requests were refused.
    expect(dynamo!.metrics!.byF.update!.fault.fail).toBeGreaterThan(0);
    expect(dynamo!.checkers['lost-writes']).toMatchObject({ valid: true, lost: 0 });
    expect(resultOf(dynamo!.checkers, 'lost-writes')!.acknowledged).toBeGreaterThan(500);
    expect(dynamo!.checkers.convergence!.valid).toBe(true);
  }, 60_000);
});

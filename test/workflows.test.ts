import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SYSTEM_NAMES } from '../adapters/index.ts';
import { NEMESIS_NAMES } from '../chaos/index.ts';
import { parseBaseline } from '../harness/baseline.ts';
import { WORKLOAD_NAMES } from '../workloads/index.ts';

const GITHUB = fileURLToPath(new URL('../.github/', import.meta.url));
const WORKFLOWS = join(GITHUB, 'workflows');

describe('the GitHub workflows', () => {
  for (const file of readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))) {
    it(`${file} is a valid workflow (GitHub's schema, by action-validator)`, () => {
      const state = validateWorkflow(readFileSync(join(WORKFLOWS, file), 'utf8'));
      expect(state.errors).toEqual([]);
    });
  }

  it('nightly chaos: scheduled and dispatchable, its matrix names only systems, workloads and faults faultline has', () => {
    const workflow = parse(readFileSync(join(WORKFLOWS, 'nightly-chaos.yml'), 'utf8'));
    expect(workflow.on.schedule?.[0]?.cron).toBeTruthy();
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    const matrix = workflow.jobs.chaos.strategy.matrix;
    expect(matrix.system).toEqual(SYSTEM_NAMES);
    for (const w of matrix.workload) expect(WORKLOAD_NAMES).toContain(w);
    for (const n of matrix.nemesis) expect(NEMESIS_NAMES).toContain(n);
    const steps = JSON.stringify(workflow.jobs.chaos.steps);
    expect(steps).toContain('--provider=docker');
    expect(steps).toContain('baseline runs/* --check .github/chaos-baseline.json');
    expect(steps).toContain('GITHUB_STEP_SUMMARY');
  });

  it('the chaos baseline is a baseline', () => {
    expect(() =>
      parseBaseline(readFileSync(join(GITHUB, 'chaos-baseline.json'), 'utf8')),
    ).not.toThrow();
  });
});

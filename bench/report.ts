import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { compare } from '../harness/compare.ts';
import { parseCompareOptions } from '../harness/config.ts';
import type { RunResults } from '../harness/results.ts';
import { renderReport } from '../reports/html.ts';

const SIZE_GOAL_MB = 5;
const RENDER_GOAL_MS = 2000;
const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The report's size and speed: a 60 s write-heavy run of every system
 * installed here, under the default faults, rendered; its report.html's
 * size against the 5 MB goal, and the time Chromium takes to open it and
 * draw every chart, against the goal of 2 s and against a reference
 * opened in the same browser: the report of the same run without its
 * histories (results.json alone: the matrix, tables and per-second charts,
 * none of the op-level ones), which isolates what the history's charts cost.
 */
export async function benchReport(durationS = 60): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`\nreport: skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-report-'));
  try {
    const config = parseCompareOptions({
      workload: 'write-heavy',
      systems: 'all',
      provider: 'local',
      concurrency: '16',
      duration: String(durationS),
      rate: '0',
      keys: '1000',
      nemesis: 'partition-isolate,kill,pause',
      nemesisInterval: '10',
      nemesisDuration: '5',
      seed: '1',
      out,
      label: 'bench-report',
    });
    process.stderr.write(
      `bench: report of a ${durationS} s write-heavy run of ${config.systems.join(', ')}\n`,
    );
    const { runDir, results } = await compare(config, { log: () => {}, renderReport });
    const report = join(runDir, 'report.html');
    const reference = join(runDir, 'report-results-only.html');
    writeFileSync(reference, renderReport(results as RunResults));
    const sizeMB = statSync(report).size / 2 ** 20;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    try {
      // Alternated, best of three each: a busy moment of the machine falls on neither.
      const times = { report: [] as number[], reference: [] as number[] };
      for (let i = 0; i < 3; i++) {
        times.reference.push(await renderMs(browser, reference));
        times.report.push(await renderMs(browser, report));
      }
      const report_ = Math.min(...times.report);
      const reference_ = Math.min(...times.reference);
      console.log(
        `\nreport of a ${durationS} s run of ${results.systems.length} system(s) (${config.systems.join(', ')}), ${results.systems.reduce((n, s) => n + (s.metrics?.ok ?? 0) + (s.metrics?.fail ?? 0) + (s.metrics?.info ?? 0), 0).toLocaleString('en-US')} ops:`,
      );
      console.log(
        `  size    ${sizeMB.toFixed(2)} MB  (${(sizeMB / SIZE_GOAL_MB).toFixed(2)} of the ${SIZE_GOAL_MB} MB goal)`,
      );
      console.log(
        `  render  ${report_} ms to open and draw every chart in Chromium (${(report_ / RENDER_GOAL_MS).toFixed(2)} of the ${RENDER_GOAL_MS / 1000} s goal; ${(report_ / reference_).toFixed(2)}× the same report without histories, ${reference_} ms)`,
      );
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** From navigation to every chart drawn (the report draws lazily; drawAll asks for all). */
async function renderMs(browser: import('playwright-core').Browser, file: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    const started = performance.now();
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    await page.evaluate(() => {
      (globalThis as unknown as { faultlineDrawAll?: () => void }).faultlineDrawAll?.();
    });
    // Drawing is synchronous inside drawAll; one frame more puts it on screen.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    return Math.round(performance.now() - started);
  } finally {
    await page.close();
  }
}

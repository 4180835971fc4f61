/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless } from '../engines.ts';
import { tempDir } from '../temp-dirs.ts';

/**
 * The dashboard end to end, as a user meets it: `faultline dashboard` as
 * its own process, Debian's Chromium driven headless by playwright-core,
 * short runs of the built-in store started from the form. Screenshots go
 * to test-output/dashboard/.
 */
const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'e2e-token-0123456789';
const SHOTS = join(process.cwd(), 'test-output', 'dashboard');
const skip = skipUnless(
  'the dashboard browser tests',
  existsSync(CHROMIUM) ? undefined : `need Chromium at ${CHROMIUM} (apt-get install chromium)`,
);

/** Waits for a condition with a bound; a slow machine gets the time, a broken one fails. */
async function until(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(skip)('the dashboard in a real browser', () => {
  let server: ChildProcess;
  let base = '';
  let browser: Browser;
  let page: Page;
  let output = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const runs = tempDir('faultline-dashboard-e2e-');
    server = spawn(
      process.execPath,
      ['cli/bin/faultline.js', 'dashboard', '--port', '0', '--runs', runs],
      {
        env: { ...process.env, FAULTLINE_DASHBOARD_TOKEN: TOKEN, FAULTLINE_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    server.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await until(
      'the dashboard prints its address',
      async () => /http:\/\/\S+\/#token=/.test(output),
      30_000,
    );
    base = /(http:\/\/\S+)\/#token=/.exec(output)![1]!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // As root, without the machine's closed network tried at every start.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (dialog) => dialog.accept());
    await page.goto(`${base}/#token=${TOKEN}`);
    await page.waitForSelector('input[name="duration"]');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await until('the dashboard stops', async () => server.exitCode !== null, 60_000);
    }
  }, 90_000);

  /** Fills the form (empty fields keep their defaults) and submits it. */
  async function start(values: Record<string, string>): Promise<void> {
    for (const input of await page.locator('#fields input[name]').all()) await input.fill('');
    for (const [name, value] of Object.entries(values))
      await page.fill(`#start input[name="${name}"]`, value);
    await page.click('#start button[type="submit"]');
  }

  const short = {
    systems: 'dynamo',
    duration: '6',
    keys: '100',
    concurrency: '4',
    nemesis: 'kill',
    nemesisInterval: '2',
    nemesisDuration: '2',
  };

  it("refuses a start without the token, and shows the server's message for a bad value", async () => {
    await page.fill('#token', '');
    await start(short);
    await page.waitForSelector('#form-error:has-text("token")');
    expect(await page.textContent('#form-error')).toMatch(/Authorization: Bearer/);

    await page.fill('#token', TOKEN);
    await start({ ...short, duration: 'soon' });
    await page.waitForSelector('#form-error:has-text("--duration")');
    expect(await page.textContent('#form-error')).toBe(
      '--duration: "soon" is not a duration (e.g. 30, 30s, 2m)',
    );
    expect(await page.locator('#runs tbody tr').count()).toBe(0);
  });

  it('starts a run, shows its progress live, and lists it when it is done', async () => {
    await start(short);
    await page.waitForSelector('#current:not([hidden])');
    const id = (await page.textContent('#current-id'))!;
    expect(id).toMatch(/write-heavy$/);
    // Progress arrives over Server-Sent Events while the workers run.
    await until('a progress event', async () => /^\d/.test((await page.textContent('#ops')) ?? ''));
    expect(await page.textContent('#phase')).toMatch(/dynamo .*: (run|heal|final|check)/);
    await page.screenshot({ path: join(SHOTS, 'progress.png'), fullPage: true });

    // One run at a time: a second start names the one running.
    const second = await fetch(`${base}/api/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(short),
    });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { running: string }).running).toBe(id);

    await until('the run finishes', async () =>
      /finished: complete/.test((await page.textContent('#phase')) ?? ''),
    );
    await page.waitForSelector(`#runs tr[data-run="${id}"] a`);
    expect(await page.textContent(`#runs tr[data-run="${id}"]`)).toMatch(/dynamo valid/);
  }, 120_000);

  it('opens the finished report: the matrix and charts drawn with data', async () => {
    const link = page.locator('#runs tbody tr a').first();
    await link.click();
    await page.waitForSelector('table.matrix');
    expect(await page.locator('table.matrix tbody tr').count()).toBeGreaterThan(0);
    await page.evaluate(() =>
      (window as unknown as { faultlineDrawAll(): void }).faultlineDrawAll(),
    );
    await until('every chart drawn', async () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-chart]')].every(
          (el) => el.dataset.drawn === 'ok' || el.dataset.drawn === 'error',
        ),
      ),
    );
    const drawn = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll<HTMLElement>('[data-chart]')];
      return {
        boxes: boxes.length,
        ok: boxes.filter((el) => el.dataset.drawn === 'ok').length,
        errors: boxes.filter((el) => el.dataset.drawn === 'error').map((el) => el.textContent),
        // A canvas with data has coloured pixels besides its background.
        painted: [...document.querySelectorAll('canvas')].filter((canvas) => {
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3]! > 0 && (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]))
              return true;
          }
          return false;
        }).length,
      };
    });
    expect(drawn.errors).toEqual([]);
    expect(drawn.boxes).toBeGreaterThanOrEqual(4);
    expect(drawn.ok).toBe(drawn.boxes);
    expect(drawn.painted).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
    await page.goBack();
    await page.waitForSelector('input[name="duration"]');
  }, 60_000);

  it('compares two runs, then deletes one', async () => {
    await start({ ...short, nemesis: 'none', label: 'second' });
    await until('the second run finishes', async () =>
      /finished: complete/.test((await page.textContent('#phase')) ?? ''),
    );
    await until(
      'both runs listed with reports',
      async () => (await page.locator('#runs tbody tr a').count()) === 2,
    );
    const ids = await page
      .locator('#runs tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')!));
    for (const id of ids) await page.check(`#runs input[data-id="${id}"]`);
    await page.click('#compare');
    await page.waitForURL(/\/compare\?/);
    const body = (await page.textContent('body'))!;
    for (const id of ids) expect(body).toContain(id);
    await page.screenshot({ path: join(SHOTS, 'compare.png'), fullPage: true });

    await page.goBack();
    await page.waitForSelector(`#runs tr[data-run="${ids[0]}"]`);
    await page.click(`#runs tr[data-run="${ids[0]}"] button`);
    await until(
      'the deleted run leaves the table',
      async () => (await page.locator(`#runs tr[data-run="${ids[0]}"]`).count()) === 0,
    );
    expect(await page.locator('#runs tbody tr').count()).toBe(1);
  }, 120_000);
});

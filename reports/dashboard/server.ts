import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { UsageError } from '../../core/errors.ts';
import { compareOptionsSchema } from '../../harness/compare-flags.ts';
import type { RunEvent } from '../../harness/run-events.ts';
import { renderComparison } from '../compare.ts';
import { dashboardPage } from './page.ts';
import { RunInProgress, Runner } from './runner.ts';
import { RUN_ID_PATTERN, type RunSummary, RunsFolder } from './runs.ts';

export interface DashboardOptions {
  /** The runs folder: listed, and where started runs go. */
  runs: string;
  /** Needed to start, cancel and delete runs (Authorization: Bearer <token>). */
  token: string;
  /** pino's options (Fastify's logger), or false for none. */
  logger?: boolean | { level: string };
  /** A run's log lines (default: the server's logger at info). */
  runLog?: (line: string) => void;
}

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: RUN_ID_PATTERN } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    system: { type: 'string', maxLength: 64 },
    workload: { type: 'string', maxLength: 64 },
    verdict: { type: 'string', enum: ['valid', 'invalid', 'unknown'] },
    sort: { type: 'string', enum: ['date', '-date', 'workload', 'verdict'], default: '-date' },
  },
} as const;

const compareQuery = {
  type: 'object',
  required: ['runs'],
  additionalProperties: false,
  properties: {
    runs: {
      type: 'array',
      minItems: 2,
      maxItems: 12,
      items: { type: 'string', pattern: RUN_ID_PATTERN },
    },
  },
} as const;

const VERDICT_ORDER = { invalid: 0, unknown: 1, valid: 2 } as const;

/**
 * The dashboard: Fastify routes over the runs folder and one Runner. Reads
 * are open (it binds 127.0.0.1 unless told otherwise); what starts, cancels
 * or deletes a run needs the token.
 */
export function buildDashboard(options: DashboardOptions): {
  app: FastifyInstance;
  runner: Runner;
} {
  const app = Fastify({
    logger: options.logger ?? false,
    // A field the schema does not know is refused, not quietly dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', strict: false } },
    schemaErrorFormatter: (errors, where) => {
      const e = errors[0]!;
      const field = e.instancePath.replace(/^\//, '');
      if (e.keyword === 'additionalProperties') {
        const name = String(e.params.additionalProperty);
        return new Error(
          where === 'body'
            ? `unknown option "${name}": GET /api/options lists them`
            : `unknown ${where} parameter "${name}"`,
        );
      }
      return new Error(
        `${where === 'body' ? `--${kebab(field)}` : `${where} ${field}`}: ${e.message}`,
      );
    },
  });
  const runs = new RunsFolder(options.runs);
  const runner = new Runner(
    runs.root,
    options.runLog ?? ((line) => app.log.info({ run: runner.runningId }, line)),
  );
  const expected = Buffer.from(options.token);

  const requireToken = async (request: FastifyRequest, reply: FastifyReply) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const buffer = Buffer.from(given);
    if (buffer.length !== expected.length || !timingSafeEqual(buffer, expected)) {
      return reply.code(401).send({
        error:
          "this needs the dashboard's token (printed when it started, or FAULTLINE_DASHBOARD_TOKEN): send Authorization: Bearer <token>",
      });
    }
  };

  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, _, reply) => {
    if (error.validation) return reply.code(400).send({ error: error.message });
    if (error instanceof UsageError) return reply.code(400).send({ error: error.message });
    if (error instanceof RunInProgress)
      return reply.code(409).send({ error: error.message, running: error.id });
    app.log.error(error);
    return reply.code(error.statusCode ?? 500).send({ error: error.message });
  });

  app.get('/', async (_, reply) => reply.type('text/html; charset=utf-8').send(dashboardPage()));

  app.get('/api/options', async () => compareOptionsSchema());

  app.get('/api/runs', { schema: { querystring: listQuery } }, async (request) => {
    const q = request.query as {
      system?: string;
      workload?: string;
      verdict?: string;
      sort: string;
    };
    const list = runs
      .list(runner.runningId)
      .filter(
        (r) =>
          (!q.system || r.systems.includes(q.system)) &&
          (!q.workload || r.workload.split(',').includes(q.workload)) &&
          (!q.verdict || r.verdict === q.verdict),
      );
    return { running: runner.runningId ?? null, runs: sortRuns(list, q.sort) };
  });

  app.get('/api/runs/:id', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const results = runs.results(id);
    if (!results) return reply.code(404).send({ error: `no finished run ${id} here` });
    return results;
  });

  app.get('/runs/:id/report.html', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const file = runs.report(id);
    if (!file) return reply.code(404).send({ error: `run ${id} has no report (yet)` });
    return reply.type('text/html; charset=utf-8').send(readFileSync(file));
  });

  app.get('/compare', { schema: { querystring: compareQuery } }, async (request, reply) => {
    const { runs: ids } = request.query as { runs: string[] };
    const chosen = ids.map((id) => ({ id, dir: runs.folder(id), results: runs.results(id) }));
    const missing = chosen.find((c) => !c.results);
    if (missing) return reply.code(404).send({ error: `no finished run ${missing.id} here` });
    const html = renderComparison(
      chosen.map((c) => ({ dir: c.dir!, results: c.results! })),
      (i) => `/runs/${encodeURIComponent(chosen[i]!.id)}/report.html`,
    );
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.post(
    '/api/runs',
    { preHandler: requireToken, schema: { body: compareOptionsSchema() } },
    async (request, reply) => {
      const id = await runner.start((request.body ?? {}) as Record<string, unknown>);
      return reply.code(202).send({ id });
    },
  );

  app.post(
    '/api/runs/:id/cancel',
    { preHandler: requireToken, schema: { params: idParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!runner.cancel(id)) return reply.code(409).send({ error: `run ${id} is not running` });
      return reply.code(202).send({ id, cancelling: true });
    },
  );

  app.delete(
    '/api/runs/:id',
    { preHandler: requireToken, schema: { params: idParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (runner.runningId === id)
        return reply.code(409).send({ error: `run ${id} is in progress; cancel it first` });
      if (!(await runs.remove(id))) return reply.code(404).send({ error: `no run ${id} here` });
      return reply.code(204).send();
    },
  );

  // Server-Sent Events: the current run's recent events, then every event as it happens.
  app.get('/api/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: RunEvent | { type: 'idle' }) =>
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    if (!runner.runningId) send({ type: 'idle' });
    const unsubscribe = runner.subscribe(send);
    // Proxies and browsers drop a silent stream; a comment every 15 s keeps it.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  return { app, runner };
}

function sortRuns(list: RunSummary[], sort: string): RunSummary[] {
  const by: Record<string, (a: RunSummary, b: RunSummary) => number> = {
    date: (a, b) => a.startedAt.localeCompare(b.startedAt),
    '-date': (a, b) => b.startedAt.localeCompare(a.startedAt),
    workload: (a, b) => a.workload.localeCompare(b.workload),
    verdict: (a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict],
  };
  return [...list].sort(by[sort] ?? by['-date']!);
}

const kebab = (attribute: string) => attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

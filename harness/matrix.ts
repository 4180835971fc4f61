import type { Claims } from '../adapters/types.ts';
import type { CheckResult } from './checkers/types.ts';
import type { SystemResult } from './run.ts';

/**
 * The CAP / consistency / transactions matrix: one row per system and
 * configuration, its claimed cells from Cattell's table beside cells
 * observed in the run. Every observed cell is derived here from checker
 * results (never typed in), with the evidence it rests on; the rules are
 * the functions below, and README.md states them in words.
 */

export type Tone = 'good' | 'bad' | 'neutral' | 'unknown';

export interface Evidence {
  workload: string;
  checker: string;
  /** The history file, relative to the run folder. */
  history: string;
  detail: string;
  /** History indexes of example ops. */
  ops?: number[];
}

export interface Cell {
  value: string;
  tone: Tone;
  evidence: Evidence[];
}

export const OBSERVED = [
  'lostWrites',
  'minorityAvailability',
  'majorityAvailability',
  'staleReads',
  'linearizable',
  'conflicts',
  'transactions',
  'converged',
  'cap',
] as const;
export type Observed = (typeof OBSERVED)[number];

export interface MatrixRow {
  system: string;
  engine: string;
  configuration: string;
  claimed: Claims;
  observed: Record<Observed, Cell>;
  /** Claimed cells an observed one contradicts, with why. */
  contradictions: { claim: keyof Claims; reason: string }[];
}

/** Partition availability at or below this is "refused", at or above SERVED "served". */
export const REFUSED = 0.1;
export const SERVED = 0.9;

export function buildMatrix(results: readonly SystemResult[]): MatrixRow[] {
  const groups = new Map<string, SystemResult[]>();
  for (const r of results) {
    const id = `${r.system}\u0000${r.configuration}`;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].map(row);
}

function row(results: SystemResult[]): MatrixRow {
  const first = results[0]!;
  const ran = results.filter((r) => r.status !== 'not-applicable');
  const find = (checker: string) =>
    ran.flatMap((r) => (r.checkers[checker] ? [{ r, c: r.checkers[checker]! }] : []));
  const ev = (r: SystemResult, checker: string, detail: string, ops?: number[]): Evidence => ({
    workload: r.workload,
    checker,
    history: r.history,
    detail,
    ...(ops?.length ? { ops: ops.slice(0, 5) } : {}),
  });

  const lostWrites = lostCell(find, ev);
  const [minority, majority] = availabilityCells(find, ev);
  const observed: Record<Observed, Cell> = {
    lostWrites,
    minorityAvailability: minority,
    majorityAvailability: majority,
    staleReads: staleCell(find, ev),
    linearizable: linearizableCell(find, ev),
    conflicts: conflictsCell(find, ev),
    transactions: transactionsCell(results, find, ev),
    converged: convergedCell(find, ev),
    cap: { value: '', tone: 'unknown', evidence: [] },
  };
  observed.cap = capCell(observed);
  return {
    system: first.system,
    engine: first.engine,
    configuration: first.configuration,
    claimed: first.claims,
    observed,
    contradictions: contradictions(first.claims, observed),
  };
}

type Find = (checker: string) => { r: SystemResult; c: CheckResult }[];
type Ev = (r: SystemResult, checker: string, detail: string, ops?: number[]) => Evidence;

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const pct = (f: number) => `${(f * 100).toFixed(f === 0 || f === 1 ? 0 : 1)}%`;

/** Lost acknowledged writes (lost-writes and the set's lost adds). */
function lostCell(find: Find, ev: Ev): Cell {
  const found = [...find('lost-writes'), ...find('set')];
  if (found.length === 0) return unknown('no workload checked for lost writes');
  const lost = found.reduce((n, { c }) => n + num(c.lost), 0);
  const acknowledged = found.reduce((n, { c }) => n + num(c.acknowledged), 0);
  const evidence = found.map(({ r, c }) => {
    const examples =
      (c.examples as { lost?: { index: number }[] } | { index: number }[] | undefined) ?? [];
    const ops = (Array.isArray(examples) ? examples : (examples.lost ?? []))
      .map((e) => e.index)
      .filter((i) => typeof i === 'number');
    return ev(
      r,
      r.checkers.set === c ? 'set' : 'lost-writes',
      `${num(c.lost)} of ${num(c.acknowledged)} acknowledged lost`,
      ops,
    );
  });
  // One node has no replication to blame: durability or lost updates.
  const cause = found.every(({ r }) => r.nodes === 1)
    ? ' on a single node (no replication to blame)'
    : ': replication behaved async';
  if (lost > 0)
    return {
      value: `${lost} of ${acknowledged} lost${cause}`,
      tone: 'bad',
      evidence,
    };
  if (found.some(({ c }) => c.valid === 'unknown'))
    return { value: `0 of ${acknowledged} lost (some keys unknown)`, tone: 'unknown', evidence };
  return { value: `0 of ${acknowledged} lost`, tone: 'good', evidence };
}

function availabilityCells(find: Find, ev: Ev): [Cell, Cell] {
  const found = find('availability').filter(({ c }) => num(c.partitions) > 0);
  if (found.length === 0) {
    const none = unknown('no partition in the run');
    return [none, none];
  }
  const side = (name: 'minority' | 'majority'): Cell => {
    let ok = 0;
    let total = 0;
    const evidence = found.map(({ r, c }) => {
      const s = c[name] as { ok: number; total: number };
      ok += s.ok;
      total += s.total;
      return ev(
        r,
        'availability',
        `${s.ok} of ${s.total} ops ok on the ${name} side, over ${num(c.partitions)} partition(s)`,
      );
    });
    if (total === 0) return { value: `no op on the ${name} side`, tone: 'unknown', evidence };
    const fraction = ok / total;
    const word = fraction <= REFUSED ? 'refused' : fraction >= SERVED ? 'served' : 'partly served';
    return { value: `${word} (${pct(fraction)} of ${total} ops ok)`, tone: 'neutral', evidence };
  };
  return [side('minority'), side('majority')];
}

function staleCell(find: Find, ev: Ev): Cell {
  const found = [...find('set'), ...find('staleness')];
  if (found.length === 0) return unknown('neither set nor staleness ran');
  let healthy = 0;
  let faults = 0;
  const evidence = found.map(({ r, c }) => {
    healthy += num(c.staleReadsHealthy);
    faults += num(c.staleReadsDuringFaults);
    const checker = r.checkers.set === c ? 'set' : 'staleness';
    const stale = (c.examples as { stale?: { readIndex: number }[] } | undefined)?.stale ?? [];
    return ev(
      r,
      checker,
      `${num(c.staleReads)} stale of ${num(c.reads)} reads (${num(c.staleReadsHealthy)} healthy, ${num(c.staleReadsDuringFaults)} during faults)`,
      stale.map((s) => s.readIndex),
    );
  });
  if (healthy + faults === 0) return { value: 'none', tone: 'good', evidence };
  return {
    value: `${healthy} while healthy, ${faults} during faults`,
    tone: healthy > 0 ? 'bad' : 'neutral',
    evidence,
  };
}

function linearizableCell(find: Find, ev: Ev): Cell {
  const found = find('linearizable');
  if (found.length === 0) return unknown('register did not run');
  const evidence = found.map(({ r, c }) => {
    const failure = (
      c.failures as
        | { counterexample: { explanation: string; stuck: { index: number } } }[]
        | undefined
    )?.[0];
    return ev(
      r,
      'linearizable',
      failure ? failure.counterexample.explanation : `valid: ${c.valid} over ${num(c.ops)} ops`,
      failure ? [failure.counterexample.stuck.index] : undefined,
    );
  });
  if (found.some(({ c }) => c.valid === false)) {
    const keys = found.reduce((n, { c }) => n + num(c.nonLinearizableKeys), 0);
    return { value: `no (${keys} key(s) with a violation)`, tone: 'bad', evidence };
  }
  if (found.some(({ c }) => c.valid !== true))
    return { value: 'unknown (search budget spent)', tone: 'unknown', evidence };
  return { value: 'yes', tone: 'good', evidence };
}

function conflictsCell(find: Find, ev: Ev): Cell {
  const found = find('conflicts');
  if (found.length === 0) return unknown('no workload ran');
  const siblings = found.reduce((n, { c }) => n + num(c.siblingReads), 0);
  const concurrent = found.reduce((n, { c }) => n + num(c.concurrentWrites), 0);
  const evidence = found.map(({ r, c }) =>
    ev(
      r,
      'conflicts',
      `${num(c.siblingReads)} reads returned siblings; ${num(c.concurrentWrites)} acknowledged writes overlapped another`,
      c.examples as number[],
    ),
  );
  if (siblings > 0)
    return { value: `exposed (${siblings} reads returned siblings)`, tone: 'neutral', evidence };
  if (concurrent > 0)
    return {
      value: `silently resolved (${concurrent} overlapping writes, never two values read)`,
      tone: 'neutral',
      evidence,
    };
  return { value: 'none seen (no concurrent writes)', tone: 'unknown', evidence };
}

function transactionsCell(results: SystemResult[], find: Find, ev: Ev): Cell {
  const found = [...find('bank'), ...find('list-append')];
  if (found.length === 0) {
    const na = results.filter(
      (r) =>
        r.status === 'not-applicable' && (r.workload === 'bank' || r.workload === 'list-append'),
    );
    if (na.length > 0)
      return {
        value: 'n/a (no transactions)',
        tone: 'neutral',
        evidence: na.map((r) => ({
          workload: r.workload,
          checker: '-',
          history: '',
          detail: r.error ?? '',
        })),
      };
    return unknown('neither bank nor list-append ran');
  }
  const types = new Set<string>();
  const evidence = found.map(({ r, c }) => {
    if (r.workload === 'bank') {
      if (c.valid === false) types.add('bank invariant');
      return ev(
        r,
        'bank',
        `${num(c.wrongTotalReads)} reads with a wrong total, ${num(c.negativeReads)} with a negative balance`,
      );
    }
    for (const t of (c.anomalyTypes as string[] | undefined) ?? []) types.add(t);
    return ev(
      r,
      'list-append',
      `anomalies: ${((c.anomalyTypes as string[]) ?? []).join(', ') || 'none'} over ${num(c.txns)} transactions`,
    );
  });
  if (types.size > 0) return { value: [...types].join(', '), tone: 'bad', evidence };
  return { value: 'none found', tone: 'good', evidence };
}

function convergedCell(find: Find, ev: Ev): Cell {
  const found = find('convergence');
  if (found.length === 0) return unknown('no replica reads');
  const evidence = found.map(({ r, c }) =>
    ev(r, 'convergence', `${num(c.diverged)} of ${num(c.keys)} keys diverged after heal`),
  );
  if (found.some(({ c }) => c.valid === false)) return { value: 'no', tone: 'bad', evidence };
  if (found.some(({ c }) => c.valid !== true))
    return { value: 'unknown', tone: 'unknown', evidence };
  return { value: 'yes', tone: 'good', evidence };
}

/**
 * The observed CAP class:
 * - CP: the minority side refused (≤ 10% of its ops ok), no acknowledged
 *   write was lost, and the register history is linearizable;
 * - AP: both sides served (≥ 90% ok) and the replicas converged after heal;
 * - anything else is said as it is ("minority refused, yet not
 *   linearizable"), not forced into a letter.
 */
export function capCell(o: Record<Observed, Cell>): Cell {
  const minority = o.minorityAvailability;
  if (minority.tone === 'unknown') return unknown('needs a partition (e.g. --nemesis=partitions)');
  const evidence = [
    ...minority.evidence,
    ...o.lostWrites.evidence,
    ...o.linearizable.evidence,
    ...o.converged.evidence,
  ];
  const refused = minority.value.startsWith('refused');
  const served =
    minority.value.startsWith('served') && o.majorityAvailability.value.startsWith('served');
  const lost = o.lostWrites.tone === 'bad';
  const linearizable = o.linearizable.value === 'yes';
  if (refused && !lost && linearizable) return { value: 'CP', tone: 'neutral', evidence };
  if (served && o.converged.value === 'yes') {
    return {
      value: lost ? 'AP, losing acknowledged writes' : 'AP',
      tone: lost ? 'bad' : 'neutral',
      evidence,
    };
  }
  const why: string[] = [];
  if (refused) why.push('minority refused');
  else if (served) why.push('both sides served');
  else why.push(`minority ${minority.value.split(' (')[0]}`);
  if (lost) why.push('acknowledged writes lost');
  if (o.linearizable.tone === 'bad') why.push('not linearizable');
  else if (o.linearizable.tone === 'unknown') why.push('linearizability unknown');
  if (served && o.converged.value !== 'yes') why.push(`converged: ${o.converged.value}`);
  return { value: `neither: ${why.join(', ')}`, tone: 'bad', evidence };
}

/** Claimed cells that the observed row contradicts. */
function contradictions(claims: Claims, o: Record<Observed, Cell>): MatrixRow['contradictions'] {
  const out: MatrixRow['contradictions'] = [];
  const cap = o.cap.value;
  if (cap && o.cap.tone !== 'unknown' && !cap.startsWith(claims.cap)) {
    out.push({ claim: 'cap', reason: `claimed ${claims.cap}, observed ${cap}` });
  }
  if (
    /sync/i.test(claims.replication) &&
    !/async/i.test(claims.replication) &&
    o.lostWrites.tone === 'bad'
  ) {
    out.push({
      claim: 'replication',
      reason: `claimed ${claims.replication}, but ${o.lostWrites.value}`,
    });
  }
  if (claims.transactions === 'Y' && o.transactions.tone === 'bad') {
    out.push({
      claim: 'transactions',
      reason: `claimed ACID transactions, observed ${o.transactions.value}`,
    });
  }
  if (claims.transactions !== 'N' && o.transactions.value.startsWith('n/a')) {
    out.push({
      claim: 'transactions',
      reason: 'claimed transactions, but the adapter offers none',
    });
  }
  return out;
}

function unknown(why: string): Cell {
  return { value: `– (${why})`, tone: 'unknown', evidence: [] };
}

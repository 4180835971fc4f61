import type { Claims } from '../adapters/types.ts';
import {
  type PartitionAvailability,
  type Share,
  type SideShares,
  share,
  sumShares,
} from './checkers/availability.ts';
import { modelVerdict } from './checkers/elle/models.ts';
import { type CheckerName, type CheckerResults, resultOf } from './checkers/index.ts';
import type { StaleCounts } from './checkers/types.ts';
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
  'noQuorumSide',
  'quorumSide',
  'staleReads',
  'linearizable',
  'conflicts',
  'transactions',
  'converged',
  'membership',
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
  const find: Find = (checker) =>
    ran.flatMap((r) => {
      const c = resultOf(r.checkers, checker);
      return c ? [{ r, c }] : [];
    });
  const ev = (r: SystemResult, checker: string, detail: string, ops?: number[]): Evidence => ({
    workload: r.workload,
    checker,
    history: r.history,
    detail,
    ...(ops?.length ? { ops: ops.slice(0, 5) } : {}),
  });

  const lostWrites = lostCell(find, ev);
  const sides = availabilityCells(find, ev, partitionSkipped(ran));
  const observed: Record<Observed, Cell> = {
    lostWrites,
    noQuorumSide: sides.noQuorumSide,
    quorumSide: sides.quorumSide,
    staleReads: staleCell(find, ev),
    linearizable: linearizableCell(find, ev),
    conflicts: conflictsCell(find, ev),
    transactions: transactionsCell(results, find, ev),
    converged: convergedCell(results, find, ev),
    membership: membershipCell(ran, find, ev, lostWrites),
    cap: { value: '', tone: 'unknown', evidence: [] },
  };
  observed.cap = capCell(observed, sides.shares);
  return {
    system: first.system,
    engine: first.engine,
    configuration: first.configuration,
    claimed: first.claims,
    observed,
    contradictions: contradictions(first.claims, observed, sides.shares, movedShare(find)),
  };
}

/** The measured results of one checker over the row's runs, each of the checker's own type. */
type Find = <K extends CheckerName>(checker: K) => { r: SystemResult; c: CheckerResults[K] }[];
type Ev = (r: SystemResult, checker: string, detail: string, ops?: number[]) => Evidence;

const pct = (f: number) => `${(f * 100).toFixed(f === 0 || f === 1 ? 0 : 1)}%`;

/** Lost acknowledged writes (lost-writes and the set's lost adds). */
function lostCell(find: Find, ev: Ev): Cell {
  // lost-writes quotes each lost write, the set its lost adds' ops.
  const found = [
    ...find('lost-writes').map(({ r, c }) => ({
      r,
      c,
      checker: 'lost-writes',
      ops: c.examples.flatMap((e) => (e.write?.index === undefined ? [] : [e.write.index])),
    })),
    ...find('set').map(({ r, c }) => ({
      r,
      c,
      checker: 'set',
      ops: c.examples.lost.map((e) => e.index),
    })),
  ];
  if (found.length === 0)
    return unfilled('no workload here checks lost writes', '--workload=write-heavy');
  const lost = found.reduce((n, { c }) => n + c.lost, 0);
  const acknowledged = found.reduce((n, { c }) => n + c.acknowledged, 0);
  const evidence = found.map(({ r, c, checker, ops }) =>
    ev(r, checker, `${c.lost} of ${c.acknowledged} acknowledged lost`, ops),
  );
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

/** Partition ops by quorum role, summed over the run's workloads; null without a partition. */
type Shares = SideShares | null;

/**
 * The two availability cells: ops on sides without the system's quorum
 * and on sides with it (as the partition record says, by the system's own
 * rule), after the system's detection time.
 */
function availabilityCells(
  find: Find,
  ev: Ev,
  skipped: string | undefined,
): { noQuorumSide: Cell; quorumSide: Cell; shares: Shares } {
  const found = find('availability').filter(({ c }) => c.partitions > 0);
  if (found.length === 0) {
    const none = skipped
      ? unknown(skipped)
      : unfilled('no partition in the run', PARTITION_COMMAND);
    return { noQuorumSide: none, quorumSide: none, shares: null };
  }
  const shares = found.reduce(
    (sum, { c }) => ({
      quorumSide: sumShares(sum.quorumSide, c.quorumSide),
      noQuorumSide: sumShares(sum.noQuorumSide, c.noQuorumSide),
      detecting: sumShares(sum.detecting, c.detecting),
      unknownSide: sumShares(sum.unknownSide, c.unknownSide),
    }),
    { quorumSide: share(), noQuorumSide: share(), detecting: share(), unknownSide: share() },
  );
  const evidence = found.flatMap(({ r, c }) =>
    c.byPartition.map((p) => ev(r, 'availability', partitionSentence(p), [p.index])),
  );
  const roleUnknown = (): Cell => ({
    value: `– (no side's quorum role is known: ${shares.unknownSide.total} ops on sides it cannot tell)`,
    tone: 'unknown',
    evidence,
  });
  const cellOf = (s: Share, none: string, otherSide: Share): Cell => {
    if (s.total > 0) return { value: shareWords(s), tone: 'neutral', evidence };
    if (otherSide.total > 0) return { value: none, tone: 'neutral', evidence };
    return shares.unknownSide.total > 0
      ? roleUnknown()
      : { value: '– (no op after the detection time)', tone: 'unknown', evidence };
  };
  return {
    noQuorumSide: cellOf(
      shares.noQuorumSide,
      'none: every side held the quorum its ops needed',
      shares.quorumSide,
    ),
    quorumSide: cellOf(shares.quorumSide, 'none: no side held a quorum', shares.noQuorumSide),
    shares,
  };
}

/** Why the run's partitions did not apply to this system, if they did not (one node has no sides). */
function partitionSkipped(results: SystemResult[]): string | undefined {
  const skipped = results
    .flatMap((r) => r.faultsNotApplicable ?? [])
    .find((f) => f.fault.startsWith('partition'));
  return skipped ? `${skipped.fault} skipped: ${skipped.reason}` : undefined;
}

/** "refused (2.0% of 300 ops ok)" */
function shareWords(s: Share): string {
  const fraction = ratio(s) ?? 0;
  const word = fraction <= REFUSED ? 'refused' : fraction >= SERVED ? 'served' : 'partly served';
  return `${word} (${pct(fraction)} of ${s.total} ops ok)`;
}

/** One partition in a sentence: who held the quorum, and how each side fared. */
function partitionSentence(p: PartitionAvailability): string {
  const nodes = (n: string[]) => n.join(',');
  const sides = p.sides
    .map((s) =>
      s.quorum === null
        ? `${nodes(s.nodes)}: ${s.why}`
        : `${nodes(s.nodes)} ${s.quorum ? 'held' : 'did not hold'} the quorum (${s.why})`,
    )
    .join('; ');
  const parts = [`${p.fault} at ${(p.start / 1e9).toFixed(1)} s: ${sides || 'no sides recorded'}`];
  if (p.noQuorumAnywhere) parts.push('No side held the quorum');
  const count = (label: string, s: Share) =>
    s.total > 0 ? `${label} ${s.ok} of ${s.total} ok` : undefined;
  const grace = p.rule?.graceMs
    ? `within the ${p.rule.graceMs} ms detection time`
    : 'during detection';
  const counts = [
    count('without the quorum', p.noQuorumSide),
    count('with it', p.quorumSide),
    count(grace, p.detecting),
    count('role unknown', p.unknownSide),
  ].filter(Boolean);
  const line = counts.join(', ');
  if (line) parts.push(line[0]!.toUpperCase() + line.slice(1));
  return `${parts.join('. ')}.`;
}

/** ok / total unrounded (the thresholds are judged on it), or null with no op. */
function ratio(s: Share): number | null {
  return s.total ? s.ok / s.total : null;
}

function staleCell(find: Find, ev: Ev): Cell {
  const found: { r: SystemResult; c: StaleCounts; checker: string; ops: number[] }[] = [
    ...find('set').map(({ r, c }) => ({
      r,
      c,
      checker: 'set',
      ops: c.examples.stale.map((s) => s.readIndex),
    })),
    ...find('staleness').map(({ r, c }) => ({ r, c, checker: 'staleness', ops: [] })),
  ];
  if (found.length === 0)
    return unfilled('no workload here reads what it wrote', '--workload=staleness');
  let healthy = 0;
  let faults = 0;
  const evidence = found.map(({ r, c, checker, ops }) => {
    healthy += c.staleReadsHealthy;
    faults += c.staleReadsDuringFaults;
    return ev(
      r,
      checker,
      `${c.staleReads} stale of ${c.reads} reads (${c.staleReadsHealthy} healthy, ${c.staleReadsDuringFaults} during faults)`,
      ops,
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
  if (found.length === 0)
    return unfilled('linearizability needs the register', '--workload=register');
  const evidence = found.map(({ r, c }) => {
    const failure = c.failures?.[0];
    return ev(
      r,
      'linearizable',
      failure ? failure.counterexample.explanation : `valid: ${c.valid} over ${c.ops} ops`,
      failure ? [failure.counterexample.stuck.index] : undefined,
    );
  });
  if (found.some(({ c }) => c.valid === false)) {
    const keys = found.reduce((n, { c }) => n + c.nonLinearizableKeys, 0);
    return { value: `no (${keys} key(s) with a violation)`, tone: 'bad', evidence };
  }
  if (found.some(({ c }) => c.valid !== true))
    return { value: 'unknown (search budget spent)', tone: 'unknown', evidence };
  return { value: 'yes', tone: 'good', evidence };
}

function conflictsCell(find: Find, ev: Ev): Cell {
  const found = find('conflicts');
  if (found.length === 0) return unfilled('no workload ran', '--workload=write-heavy');
  const siblings = found.reduce((n, { c }) => n + c.siblingReads, 0);
  const concurrent = found.reduce((n, { c }) => n + c.concurrentWrites, 0);
  const evidence = found.map(({ r, c }) =>
    ev(
      r,
      'conflicts',
      `${c.siblingReads} reads returned siblings; ${c.concurrentWrites} acknowledged writes overlapped another`,
      c.examples,
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
  const limited = results[0]!.limitedTransactions;
  if (results[0]!.claims.transactions === 'L' && limited) return limitedCell(limited, find, ev);
  const bank = find('bank');
  const appends = find('list-append');
  if (bank.length + appends.length === 0) {
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
    return unfilled('no transactions ran', '--workload=list-append');
  }
  const types = new Set<string>();
  const evidence = [
    ...bank.map(({ r, c }) => {
      if (c.valid === false) types.add('bank invariant');
      return ev(
        r,
        'bank',
        `${c.wrongTotalReads} reads with a wrong total, ${c.negativeReads} with a negative balance`,
      );
    }),
    ...appends.map(({ r, c }) => {
      for (const t of c.anomalyTypes) types.add(t);
      return ev(
        r,
        'list-append',
        `anomalies: ${c.anomalyTypes.join(', ') || 'none'} over ${c.txns} transactions`,
      );
    }),
  ];
  // The models the anomalies rule out, as Elle says them.
  const { summary } = modelVerdict([...types].filter((t) => t !== 'bank invariant'));
  if (types.has('bank invariant'))
    return {
      value: [...types].length > 1 ? `bank invariant broken; ${summary}` : 'bank invariant broken',
      tone: 'bad',
      evidence,
    };
  if (types.size > 0) return { value: summary, tone: 'bad', evidence };
  const appended = appends.length > 0;
  return { value: appended ? `none found: ${summary}` : 'none found', tone: 'good', evidence };
}

/**
 * A system claimed "L" (Cattell: single-row transactions) is judged on the
 * single-key transaction it offers: the register workload runs on it
 * (Cassandra's LWT), and its linearizability is the cell.
 */
function limitedCell(limited: string, find: Find, ev: Ev): Cell {
  const found = find('linearizable');
  if (found.length === 0) return unfilled(`limited: ${limited}`, '--workload=register');
  const partitioned = find('availability').some(
    ({ r, c }) => r.workload === 'register' && c.partitions > 0,
  );
  const evidence = found.map(({ r, c }) =>
    ev(
      r,
      'linearizable',
      `${limited} register: valid ${c.valid} over ${c.ops} ops${partitioned ? ', with partitions' : ''}`,
    ),
  );
  if (found.some(({ c }) => c.valid === false))
    return { value: `limited: ${limited}, not linearizable`, tone: 'bad', evidence };
  if (found.some(({ c }) => c.valid !== true))
    return { value: `limited: ${limited}, linearizability unknown`, tone: 'unknown', evidence };
  return {
    value: `limited: ${limited}, linearizable ${partitioned ? 'under partitions' : '(no partition in the run)'}`,
    tone: 'good',
    evidence,
  };
}

function convergedCell(results: SystemResult[], find: Find, ev: Ev): Cell {
  const measured = find('convergence');
  // One copy of each key: the final read through the cluster is it.
  if (measured.length === 0 && results.every((r) => r.nodes === 1))
    return {
      value: 'one copy: a single node has no replicas to diverge',
      tone: 'neutral',
      evidence: [],
    };
  if (measured.length === 0) {
    const reason = results.map((r) => r.checkers.convergence?.notMeasured).find(Boolean);
    if (reason) return { value: `not measured (${reason})`, tone: 'neutral', evidence: [] };
    return unfilled('no replica reads', '--workload=write-heavy');
  }
  const evidence = measured.map(({ r, c }) =>
    ev(r, 'convergence', `${c.diverged} of ${c.keys} keys diverged after heal`),
  );
  if (measured.some(({ c }) => c.valid === false)) return { value: 'no', tone: 'bad', evidence };
  if (measured.some(({ c }) => c.valid !== true))
    return { value: 'unknown', tone: 'unknown', evidence };
  return { value: 'yes', tone: 'good', evidence };
}

/**
 * Membership changes under load: whether acknowledged writes survived the
 * moves (the row's lost-writes cell), how long the data took to move, and
 * how many ops succeeded meanwhile.
 */
function membershipCell(ran: SystemResult[], find: Find, ev: Ev, lost: Cell): Cell {
  const found = find('membership').filter(({ c }) => c.changes.length + c.failed.length > 0);
  if (found.length === 0) {
    const skipped = ran
      .flatMap((r) => r.faultsNotApplicable ?? [])
      .find((f) => ['membership', 'grow', 'shrink'].includes(f.fault));
    if (skipped)
      return {
        value: `– (${skipped.fault} skipped: ${skipped.reason})`,
        tone: 'unknown',
        evidence: [],
      };
    return unfilled('no membership change ran', '--nemesis=membership');
  }
  const changes = found.flatMap(({ c }) => c.changes);
  const { ok, total } = movedShare(find) ?? share();
  const seconds = changes.reduce((n, c) => n + c.seconds, 0);
  const evidence = found.map(({ r, c }) =>
    ev(
      r,
      'membership',
      [
        ...c.changes.map(
          (m) => `${m.change} ${m.node} in ${m.seconds} s (${m.ok} of ${m.total} ops ok meanwhile)`,
        ),
        ...c.failed.map((f) => `${f.change} failed: ${f.error}`),
      ].join('; '),
    ),
  );
  const failed = found.flatMap(({ c }) => c.failed);
  if (failed.length > 0)
    return { value: `failed (${failed[0]!.change}: ${failed[0]!.error})`, tone: 'bad', evidence };
  const moved = `${changes.length} change(s) in ${seconds.toFixed(1)} s, ${total ? pct(ok / total) : 'no'} ops ok while data moved`;
  if (lost.tone === 'bad')
    return { value: `writes lost (${lost.value}; ${moved})`, tone: 'bad', evidence };
  if (lost.tone === 'good') return { value: `no write lost (${moved})`, tone: 'good', evidence };
  return { value: `loss unknown (${moved})`, tone: 'unknown', evidence };
}

/** Client ops while data moved (membership changes), ok of all; undefined if no change ran. */
function movedShare(find: Find): Share | undefined {
  const changes = find('membership').flatMap(({ c }) => c.changes);
  if (changes.length === 0) return undefined;
  return changes.reduce(
    (sum, c) => sumShares(sum, { ok: c.ok, total: c.total, fraction: null }),
    share(),
  );
}

/** The facts the CAP cell and its contradictions rest on. */
function capFacts(o: Record<Observed, Cell>, shares: SideShares) {
  const nq = ratio(shares.noQuorumSide);
  const q = ratio(shares.quorumSide);
  return {
    known: shares.noQuorumSide.total + shares.quorumSide.total > 0,
    /** The sides without the quorum refused (a CP system's duty). */
    refused: nq !== null && nq <= REFUSED,
    /** The sides without the quorum served more than a CP system may. */
    servedWithout: nq !== null && nq > REFUSED,
    /** Every side of known role served (an AP system's promise). */
    allServed: (nq === null || nq >= SERVED) && (q === null || q >= SERVED),
    lost: o.lostWrites.tone === 'bad',
    linearizable: o.linearizable.tone === 'good',
    notLinearizable: o.linearizable.tone === 'bad',
    converged: o.converged.value,
  };
}

/**
 * The observed CAP class, from the sides whose quorum role is known, after
 * the system's detection time:
 * - CP: the sides without the quorum refused (≤ 10% of their ops ok), no
 *   acknowledged write was lost, and the register history is linearizable;
 * - AP: every side served (≥ 90% ok), the sides without a quorum included,
 *   and the replicas converged after heal (or cannot be read apart);
 * - a measurement missing (no register run) leaves the class open, said
 *   with the command that fills it; anything else is said as it is
 *   ("neither: …"), never forced into a letter.
 */
export function capCell(o: Record<Observed, Cell>, shares: Shares): Cell {
  if (!shares)
    return o.noQuorumSide.value.includes('skipped: ')
      ? o.noQuorumSide
      : unfilled('needs a partition', PARTITION_COMMAND);
  const f = capFacts(o, shares);
  if (!f.known) return unknown("no side's quorum role is known");
  const evidence = [
    ...o.noQuorumSide.evidence,
    ...o.lostWrites.evidence,
    ...o.linearizable.evidence,
    ...o.converged.evidence,
  ];
  if (f.refused && !f.lost) {
    if (f.linearizable) return { value: 'CP', tone: 'neutral', evidence };
    if (o.linearizable.tone === 'unknown') {
      const open = o.linearizable.value.startsWith('–')
        ? 'linearizability not measured (run `--workload=register`)'
        : `linearizable: ${o.linearizable.value}`;
      return {
        value: `CP so far: refused without a quorum, nothing lost; ${open}`,
        tone: 'unknown',
        evidence,
      };
    }
  }
  if (f.allServed && f.converged !== 'no') {
    const notMeasured = f.converged.startsWith('not measured');
    const note = notMeasured
      ? ' (convergence not measured)'
      : f.converged === 'yes'
        ? ''
        : ` (converged: ${f.converged})`;
    return {
      value: `${f.lost ? 'AP, losing acknowledged writes' : 'AP'}${note}`,
      tone: f.lost ? 'bad' : f.converged === 'yes' || notMeasured ? 'neutral' : 'unknown',
      evidence,
    };
  }
  const why: string[] = [];
  if (f.refused) why.push('refused without a quorum');
  else if (f.allServed) why.push('every side served');
  else if (shares.noQuorumSide.total > 0)
    why.push(`${shareWords(shares.noQuorumSide).split(' (')[0]} without a quorum`);
  else why.push(`the quorum side ${shareWords(shares.quorumSide).split(' (')[0]}`);
  if (f.lost) why.push('acknowledged writes lost');
  if (f.notLinearizable) why.push('not linearizable');
  else if (o.linearizable.tone === 'unknown') why.push('linearizability unknown');
  if (f.allServed && f.converged === 'no') why.push('replicas diverged');
  return { value: `neither: ${why.join(', ')}`, tone: 'bad', evidence };
}

/**
 * Claimed cells that the observed row contradicts, each rule holding a
 * claim only to what it promises:
 * - CP: no side without the quorum serves after the detection time, no
 *   acknowledged write is lost, the register is linearizable;
 * - AP: every side serves, the replicas converge;
 * - CA promises nothing under a partition (it excludes them): its
 *   consistency is held by the replication and transaction rules;
 * - Sync replication: no acknowledged write lost;
 * - Y: no transaction anomaly, and transactions offered;
 * - L: the single-key transaction offered is linearizable;
 * - node addition "dynamic": every membership change completed under load,
 *   no acknowledged write lost, at least 90% of ops ok while data moved;
 * - node addition "system shutdown": contradicted by the same, since a
 *   change that met it needed no shutdown.
 */
function contradictions(
  claims: Claims,
  o: Record<Observed, Cell>,
  shares: Shares,
  moved: Share | undefined,
): MatrixRow['contradictions'] {
  const out: MatrixRow['contradictions'] = [];
  const f = shares ? capFacts(o, shares) : undefined;
  if (claims.cap === 'CP') {
    const why: string[] = [];
    if (f?.servedWithout)
      why.push(
        `the side without its quorum ${shareWords(shares!.noQuorumSide)} after the detection time`,
      );
    if (o.lostWrites.tone === 'bad') why.push(`acknowledged writes lost (${o.lostWrites.value})`);
    if (o.linearizable.tone === 'bad') why.push(`linearizable: ${o.linearizable.value}`);
    if (why.length) out.push({ claim: 'cap', reason: `claimed CP, but ${why.join('; ')}` });
  }
  if (claims.cap === 'AP' && f) {
    const why: string[] = [];
    const short = (s: Share) => (ratio(s) ?? 1) < SERVED;
    if (short(shares!.noQuorumSide))
      why.push(`the side without a quorum ${shareWords(shares!.noQuorumSide)}`);
    if (short(shares!.quorumSide))
      why.push(`a side with the quorum ${shareWords(shares!.quorumSide)}`);
    if (o.converged.value === 'no') why.push('replicas diverged after heal');
    if (why.length) out.push({ claim: 'cap', reason: `claimed AP, but ${why.join('; ')}` });
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
  const tx = o.transactions.value;
  if (claims.transactions === 'Y' && o.transactions.tone === 'bad') {
    out.push({ claim: 'transactions', reason: `claimed ACID transactions, but ${tx}` });
  }
  if (claims.transactions === 'L' && o.transactions.tone === 'bad') {
    out.push({ claim: 'transactions', reason: `claimed limited transactions, observed ${tx}` });
  }
  if (claims.transactions !== 'N' && tx.startsWith('n/a')) {
    out.push({
      claim: 'transactions',
      reason: `claimed ${claims.transactions === 'L' ? 'limited (single-key)' : 'ACID'} transactions, but the adapter offers none`,
    });
  }
  const online = moved && onlineChange(o.membership, moved);
  if (claims.nodeAddition === 'dynamic' && online && !online.met)
    out.push({ claim: 'nodeAddition', reason: `claimed dynamic, but ${online.why}` });
  if (claims.nodeAddition === 'system shutdown' && online?.met)
    out.push({
      claim: 'nodeAddition',
      reason: `claimed to need a system shutdown, but ${online.why}`,
    });
  return out;
}

/**
 * Whether the row's membership changes were made online: all completed,
 * no acknowledged write lost, at least SERVED of the ops ok while data
 * moved. Undefined when no change ran or the loss is unknown.
 */
function onlineChange(cell: Cell, { ok, total }: Share): { met: boolean; why: string } | undefined {
  if (cell.tone === 'bad') return { met: false, why: cell.value };
  if (cell.tone !== 'good') return undefined;
  if (total > 0 && ok / total < SERVED)
    return {
      met: false,
      why: `only ${pct(ok / total)} of ops ok while data moved (${cell.value})`,
    };
  return { met: true, why: `changed under load: ${cell.value}` };
}

function unknown(why: string): Cell {
  return { value: `– (${why})`, tone: 'unknown', evidence: [] };
}

/** The flag that fills a cell this run could not observe. */
const PARTITION_COMMAND = '--nemesis=partition-isolate';

/** A cell this run's workloads or faults cannot observe: why, and the command that fills it. */
function unfilled(why: string, flag: string): Cell {
  return { value: `– (${why}: run \`${flag}\`)`, tone: 'unknown', evidence: [] };
}

/**
 * Consistency models and the anomalies each one proscribes (Adya 1999;
 * Elle's consistency_model), so a result can name the models its anomalies
 * rule out and the strongest ones still standing.
 */

export const MODELS = [
  'read-uncommitted',
  'read-committed',
  'repeatable-read',
  'snapshot-isolation',
  'serializable',
  'strong-session-serializable',
  'strict-serializable',
] as const;
export type Model = (typeof MODELS)[number];

/** The models `--consistency-model` may ask for: what the edges of the check can tell. */
export const CHECKED_MODELS = [
  'serializable',
  'strong-session-serializable',
  'strict-serializable',
] as const;
export type CheckedModel = (typeof CHECKED_MODELS)[number];

export const isCheckedModel = (name: string): name is CheckedModel =>
  (CHECKED_MODELS as readonly string[]).includes(name);

/**
 * The models each model implies (is at least as strong as), itself
 * included. Serializability does not imply snapshot isolation (write skew
 * aside, SI also orders transactions by their start): the two branches
 * meet at read committed, as on Jepsen's map of consistency models.
 */
const IMPLIES: Record<Model, readonly Model[]> = {
  'read-uncommitted': ['read-uncommitted'],
  'read-committed': ['read-committed', 'read-uncommitted'],
  'repeatable-read': ['repeatable-read', 'read-committed', 'read-uncommitted'],
  'snapshot-isolation': ['snapshot-isolation', 'read-committed', 'read-uncommitted'],
  serializable: ['serializable', 'repeatable-read', 'read-committed', 'read-uncommitted'],
  'strong-session-serializable': [
    'strong-session-serializable',
    'serializable',
    'repeatable-read',
    'read-committed',
    'read-uncommitted',
  ],
  'strict-serializable': [
    'strict-serializable',
    'strong-session-serializable',
    'serializable',
    'repeatable-read',
    'read-committed',
    'read-uncommitted',
  ],
};

/**
 * The weakest models that proscribe each anomaly: every model that implies
 * one of them is ruled out by it. Adya: PL-1 proscribes G0; PL-2 G1 (G1a,
 * G1b, G1c); PL-2.99 G2-item; PL-SI G-single (G-SIb), lost update and,
 * per Cerone & Gotsman, any cycle whose rw edges are never adjacent
 * (G-nonadjacent); PL-3 all of G2. A read that contradicts the txn's own writes, or an order no
 * execution could give, rules out every model.
 */
const PROSCRIBED_BY: Record<string, readonly Model[]> = {
  G0: ['read-uncommitted'],
  G1a: ['read-committed'],
  G1b: ['read-committed'],
  G1c: ['read-committed'],
  'G-single': ['snapshot-isolation', 'repeatable-read'],
  // Item anti-dependencies, so also G2-item.
  'G-nonadjacent': ['snapshot-isolation', 'repeatable-read'],
  'G2-item': ['repeatable-read'],
  'lost-update': ['repeatable-read', 'snapshot-isolation'],
  internal: ['read-uncommitted'],
  'duplicate-elements': ['read-uncommitted'],
  'incompatible-order': ['read-uncommitted'],
  'unexpected-element': ['read-uncommitted'],
};

/** A cycle that needs session (or real-time) edges rules out the models that keep that order. */
function proscribedBy(type: string): readonly Model[] {
  if (type.endsWith('-process')) return ['strong-session-serializable'];
  if (type.endsWith('-realtime')) return ['strict-serializable'];
  return PROSCRIBED_BY[type] ?? [];
}

export interface ModelVerdict {
  /** Every model an anomaly found rules out, weakest first. */
  ruledOut: Model[];
  /** The strongest models still standing (none implies another). */
  strongest: Model[];
  /** One sentence: "not serializable, not repeatable-read: G2-item; consistent with read-committed". */
  summary: string;
}

/**
 * `checked`: the strongest model the check's edges could tell; models
 * stronger than it are neither ruled out nor said to stand.
 */
export function modelVerdict(
  anomalyTypes: readonly string[],
  checked: CheckedModel = 'serializable',
): ModelVerdict {
  const within = MODELS.filter((m) => IMPLIES[checked].includes(m) || m === 'snapshot-isolation');
  const ruledOut = new Set<Model>();
  for (const type of anomalyTypes) {
    for (const weakest of proscribedBy(type)) {
      for (const model of within) if (IMPLIES[model].includes(weakest)) ruledOut.add(model);
    }
  }
  const standing = within.filter((m) => !ruledOut.has(m));
  const strongest = standing.filter(
    (m) => !standing.some((other) => other !== m && IMPLIES[other].includes(m)),
  );
  const out = within.filter((m) => ruledOut.has(m));
  const consistent = strongest.length
    ? `consistent with ${strongest.join(' and ')}`
    : 'consistent with no model checked';
  // Every model ruled out, or past three the weakest ones and "nor any stronger".
  const weakestOut = out.filter(
    (m) => !out.some((other) => other !== m && IMPLIES[m].includes(other)),
  );
  const notWhat =
    out.length <= 3
      ? [...out]
          .reverse()
          .map((m) => `not ${m}`)
          .join(', ')
      : `not ${weakestOut.join(' or ')} nor any model stronger`;
  const summary = out.length
    ? `${notWhat}: ${[...new Set(anomalyTypes)].join(', ')}; ${consistent}`
    : `${consistent} (no anomaly found)`;
  return { ruledOut: out, strongest, summary };
}

import { SYSTEM_NAMES, SYSTEMS } from '../adapters/index.ts';
import { DEFAULT_NEMESIS, NEMESIS_NAMES, PRESETS } from '../chaos/index.ts';
import { WORKLOAD_NAMES, WORKLOAD_PRESETS } from '../workloads/index.ts';
import { CHECKED_MODELS } from './checkers/elle/models.ts';
import { SYSTEM_FLAGS } from './config.ts';

/**
 * `compare`'s own flags, declared once: the CLI's options and help, and the
 * dashboard's JSON schema and form, are made from this table; the values are
 * then checked by parseCompareOptions (config.ts) for both, so a value is
 * refused with the same one-line message wherever it is given.
 */
export interface CompareFlag {
  /** Without the dashes: `nemesis-interval`. */
  flag: string;
  /** The key in the options object: `nemesisInterval`. */
  attribute: string;
  /** The value's placeholder: `<time>`. */
  placeholder: string;
  help: string;
  /** As the command line would give it; absent: the option is optional. */
  default?: string;
  /** The valid words, where the value is one or a list of them (the form offers them). */
  choices?: readonly string[];
  /** Not offered by the dashboard's form (where a run's folder goes is the dashboard's). */
  cliOnly?: boolean;
}

const attributeOf = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

const flag = (f: Omit<CompareFlag, 'attribute'>): CompareFlag => ({
  ...f,
  attribute: attributeOf(f.flag),
});

export const COMPARE_FLAGS: readonly CompareFlag[] = [
  flag({
    flag: 'workload',
    placeholder: '<list>',
    help: `workloads, each run against every system in turn: ${WORKLOAD_NAMES.join(', ')}, or ${Object.keys(WORKLOAD_PRESETS).join(', ')}`,
    default: 'write-heavy',
    choices: [...WORKLOAD_NAMES, ...Object.keys(WORKLOAD_PRESETS)],
  }),
  flag({
    flag: 'systems',
    placeholder: '<list>',
    help: `comma-separated systems, or all: ${SYSTEM_NAMES.join(', ')}`,
    default: 'all',
    choices: ['all', ...SYSTEM_NAMES],
  }),
  flag({
    flag: 'provider',
    placeholder: '<name>',
    help: 'where the nodes run: local (processes on this machine) or docker (containers; npm run images builds them)',
    default: 'local',
    choices: ['local', 'docker'],
  }),
  flag({
    flag: 'image',
    placeholder: '<system=ref,...>',
    help: "the docker provider's image for a system (default: the engine's official image where it can be pulled, else faultline/<recipe>:local from npm run images)",
  }),
  flag({
    flag: 'nodes',
    placeholder: '<n>',
    help: `nodes per cluster (default: the system's own: ${Object.values(SYSTEMS)
      .map((s) => `${s.name} ${s.defaultNodes}`)
      .join(', ')})`,
  }),
  flag({
    flag: 'concurrency',
    placeholder: '<n>',
    help: 'worker processes (clients), spread over the nodes',
    default: '16',
  }),
  flag({
    flag: 'duration',
    placeholder: '<time>',
    help: 'length of the run phase: 30, 30s, 2m',
    default: '30',
  }),
  flag({
    flag: 'rate',
    placeholder: '<ops/s>',
    help: 'target throughput over all workers; 0 = as fast as possible',
    default: '0',
  }),
  flag({
    flag: 'keys',
    placeholder: '<n>',
    help: 'records loaded before the run (YCSB recordcount)',
    default: '1000',
  }),
  flag({
    flag: 'nemesis',
    placeholder: '<list>',
    help: `faults, taking turns in this order: ${NEMESIS_NAMES.join(', ')}, a preset (${Object.keys(PRESETS).join(', ')}), or none`,
    default: DEFAULT_NEMESIS,
    choices: ['none', ...Object.keys(PRESETS), ...NEMESIS_NAMES],
  }),
  flag({
    flag: 'nemesis-interval',
    placeholder: '<time>',
    help: 'healthy time before each fault',
    default: '10',
  }),
  flag({
    flag: 'nemesis-duration',
    placeholder: '<time>',
    help: 'how long each fault lasts',
    default: '5',
  }),
  flag({
    flag: 'latency',
    placeholder: '<ms>',
    help: 'latency fault: delay added to each packet a node sends',
    default: '50',
  }),
  flag({
    flag: 'latency-jitter',
    placeholder: '<ms>',
    help: 'latency fault: each delay varies by up to ± this',
    default: '10',
  }),
  flag({
    flag: 'seed',
    placeholder: '<n>',
    help: 'seed for keys, values and fault choices (default: random, printed)',
  }),
  flag({
    flag: 'out',
    placeholder: '<dir>',
    help: 'folder that receives the run folder',
    default: 'runs',
    cliOnly: true,
  }),
  flag({
    flag: 'label',
    placeholder: '<text>',
    help: "suffix of the run folder's name (default: the workload)",
  }),
  flag({
    flag: 'consistency-model',
    placeholder: '<name>',
    help: `list-append: the strongest model checked: ${CHECKED_MODELS.join(', ')} (default: the model the system claims, else serializable)`,
    choices: CHECKED_MODELS,
  }),
];

/**
 * The JSON schema of a run started from the dashboard: every `compare` flag
 * (but --out) and every system flag, each a string as the command line
 * gives it, with its help and default. It checks the shape (no unknown
 * field, no huge value); parseCompareOptions then checks the values and
 * gives the CLI's one-line message.
 */
export function compareOptionsSchema() {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const f of COMPARE_FLAGS) {
    if (f.cliOnly) continue;
    properties[f.attribute] = {
      type: 'string',
      maxLength: 400,
      title: `--${f.flag}`,
      description: f.help,
      ...(f.default !== undefined ? { default: f.default } : {}),
      ...(f.choices ? { 'x-choices': f.choices } : {}),
    };
  }
  for (const { flag, attribute, setting, targets } of SYSTEM_FLAGS) {
    properties[attribute] = {
      type: 'string',
      maxLength: 200,
      title: `--${flag}`,
      description: `${targets.map((t) => t.system).join(', ')}: ${setting.help} (${setting.accepts})`,
      'x-default': String(setting.default),
    };
  }
  return { type: 'object', additionalProperties: false, properties } as const;
}

/** The options as the command line would give them: each flag not given takes its default. */
export function withDefaults(given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of COMPARE_FLAGS) if (f.default !== undefined) out[f.attribute] = f.default;
  for (const [key, value] of Object.entries(given)) if (value !== '') out[key] = value;
  return out;
}

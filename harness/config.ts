import { statSync } from 'node:fs';
import { z } from 'zod';
import { SYSTEM_NAMES, SYSTEMS } from '../adapters/index.ts';
import type { System } from '../adapters/types.ts';
import { faultBlocker, NEMESIS_NAMES, PRESETS } from '../chaos/index.ts';
import { DEFAULT_LATENCY } from '../chaos/latency.ts';
import { UsageError } from '../core/errors.ts';
import { milliseconds } from '../core/settings.ts';
import { WORKLOAD_NAMES, WORKLOAD_PRESETS } from '../workloads/index.ts';
import { CHECKED_MODELS, type CheckedModel } from './checkers/elle/models.ts';
import { type SystemFlag, settingsFromFlags, systemFlags } from './system-flags.ts';

/** Seconds, as a number ("30") or with a unit ("30s", "2m", "500ms"). */
const seconds = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(String(value));
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (e.g. 30, 30s, 2m)` });
    return z.NEVER;
  }
  const n = Number(match[1]);
  return match[2] === 'ms' ? n / 1000 : match[2] === 'm' ? n * 60 : n;
});

/** A duration flag outside `compare` (e.g. check's --time-limit), in seconds. */
export function parseSeconds(text: string, flag: string): number {
  const parsed = seconds.pipe(z.number().positive()).safeParse(text);
  if (!parsed.success)
    throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 30, 30s, 2m)`);
  return parsed.data;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

const list = (valid: readonly string[], what: string, allowed: readonly string[] = []) =>
  z.string().transform((text, ctx) => {
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!valid.includes(item) && !allowed.includes(item)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown ${what} "${item}"; valid: ${[...allowed, ...valid].join(', ')}`,
        });
      }
    }
    return items;
  });

/** A label names the run's folder: it must stay one plain path segment. */
export const LABEL_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$';

/** An image reference as docker takes one: name[:tag][@digest], no spaces, no options. */
const IMAGE_REF = /^[a-z0-9][a-z0-9._/-]*(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/;

export const CompareOptions = z
  .object({
    workload: list(WORKLOAD_NAMES, 'workload', Object.keys(WORKLOAD_PRESETS))
      .transform((items) => [...new Set(items.flatMap((i) => WORKLOAD_PRESETS[i] ?? [i]))])
      .refine((items) => items.length > 0, { message: 'name at least one workload' }),
    systems: list(SYSTEM_NAMES, 'system', ['all']),
    provider: z.enum(['local', 'docker'], { message: 'unknown provider; valid: local, docker' }),
    nodes: int(1, 99).optional(),
    concurrency: int(1, 1024),
    duration: seconds.pipe(z.number().positive({ message: 'must be more than 0 seconds' })),
    rate: z.coerce
      .number({ message: 'must be a number' })
      .min(0, { message: 'must be 0 (unlimited) or more' }),
    keys: int(1, 10_000_000),
    nemesis: list(NEMESIS_NAMES, 'fault', ['none', ...Object.keys(PRESETS)]).transform((items) => [
      ...new Set(items.flatMap((i) => PRESETS[i] ?? (i === 'none' ? [] : [i]))),
    ]),
    nemesisInterval: seconds.pipe(z.number().positive({ message: 'must be more than 0 seconds' })),
    nemesisDuration: seconds.pipe(z.number().positive({ message: 'must be more than 0 seconds' })),
    latency: milliseconds
      .pipe(
        z.number().min(1, { message: 'must be at least 1 ms' }).max(10_000, {
          message: 'must be at most 10 s',
        }),
      )
      .default(DEFAULT_LATENCY.delayMs),
    latencyJitter: milliseconds
      .pipe(z.number().max(10_000, { message: 'must be at most 10 s' }))
      .default(DEFAULT_LATENCY.jitterMs),
    image: z
      .string()
      .optional()
      .transform((given, ctx) => {
        const images: Record<string, string> = {};
        for (const item of (given ?? '').split(',').filter(Boolean)) {
          const [system, ref] = item.split('=', 2).map((p) => p.trim());
          if (!system || !SYSTEM_NAMES.includes(system) || !ref || !IMAGE_REF.test(ref)) {
            ctx.addIssue({
              code: 'custom',
              message: `give system=image, e.g. ${SYSTEM_NAMES[0]}=faultline/node:local (systems: ${SYSTEM_NAMES.join(', ')}); got ${item}`,
            });
            return z.NEVER;
          }
          images[system] = ref;
        }
        return images;
      }),
    seed: int(0, 2 ** 32 - 1).optional(),
    out: z.string().min(1),
    consistencyModel: z
      .enum(CHECKED_MODELS, { message: `valid: ${CHECKED_MODELS.join(', ')}` })
      .optional(),
    label: z
      .string()
      .regex(new RegExp(LABEL_PATTERN), {
        message: 'up to 64 letters, digits, . _ + or -, starting with a letter or digit',
      })
      .optional(),
  })
  .strict()
  .refine((o) => o.latencyJitter <= o.latency, {
    path: ['latencyJitter'],
    message: 'must not exceed --latency (a packet cannot leave before it was sent)',
  });

/**
 * The options as CompareOptions gives them, spelled out: config.json and
 * results.json carry them, and their JSON Schema is generated from this.
 */
export interface ParsedOptions {
  systems: string[];
  provider: 'local' | 'docker';
  nodes?: number | undefined;
  concurrency: number;
  /** Seconds. */
  duration: number;
  /** Operations per second over all workers; 0 = unlimited. */
  rate: number;
  keys: number;
  nemesis: string[];
  /** Seconds. */
  nemesisInterval: number;
  /** Seconds. */
  nemesisDuration: number;
  /** Milliseconds. */
  latency: number;
  /** Milliseconds. */
  latencyJitter: number;
  /** The docker provider's image per system given by --image. */
  image: Record<string, string>;
  out: string;
  consistencyModel?: CheckedModel | undefined;
  label?: string | undefined;
}

// The spelled-out options and the schema's output must stay the same type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type OptionsMatchSchema =
  Same<Omit<z.infer<typeof CompareOptions>, 'seed' | 'workload'>, ParsedOptions> extends true
    ? true
    : never;
const optionsMatchSchema: OptionsMatchSchema = true;
void optionsMatchSchema;

export type CompareConfig = ParsedOptions & {
  /** The workloads, in order; each runs against every system. */
  workloads: string[];
  /** As given (`consistency`, `set,register`), for labels. */
  workload: string;
  seed: number;
  /** Systems `all` left out because their engine is missing here, with the reason. */
  skippedSystems: { system: string; reason: string }[];
  /** Faults asked for that this machine cannot inject, with the reason. */
  skippedFaults: { fault: string; reason: string }[];
  /** Per-system settings as given; a list (`consistency: ['one', 'all']`) means one run per value. */
  settings: Record<string, Record<string, unknown>>;
  /** Per system, the configurations to run: one, or one per combination of listed values. */
  configurations: Record<string, Configuration[]>;
};

/** One configuration of a system: its settings, and a label when the run has several. */
export interface Configuration {
  /** e.g. `consistency-one`; names the configuration's files. */
  label?: string;
  settings: Record<string, unknown>;
}

/** Settings with lists expanded into one configuration per combination of their values. */
export function configurationsOf(settings: Record<string, unknown>): Configuration[] {
  let out: { labels: string[]; settings: Record<string, unknown> }[] = [
    { labels: [], settings: {} },
  ];
  for (const [key, value] of Object.entries(settings)) {
    const values = Array.isArray(value) ? value : [value];
    out = out.flatMap((c) =>
      values.map((v) => ({
        labels: values.length > 1 ? [...c.labels, `${key}-${v}`] : c.labels,
        settings: { ...c.settings, [key]: v },
      })),
    );
  }
  return out.map((c) => ({
    ...(c.labels.length > 0 ? { label: c.labels.join('.') } : {}),
    settings: c.settings,
  }));
}

const FLAG: Record<string, string> = {
  nemesisInterval: 'nemesis-interval',
  nemesisDuration: 'nemesis-duration',
  latencyJitter: 'latency-jitter',
  consistencyModel: 'consistency-model',
};

/** The flags every system's settings declaration gives `compare`. */
export const SYSTEM_FLAGS: readonly SystemFlag[] = systemFlags(SYSTEMS);

/** Validates `compare`'s options; throws a UsageError of one line. */
export function parseCompareOptions(raw: Record<string, unknown>): CompareConfig {
  const systemAttributes = new Set(SYSTEM_FLAGS.map((f) => f.attribute));
  const parsed = CompareOptions.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([key]) => !systemAttributes.has(key))),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    throw new UsageError(`--${FLAG[name] ?? name}: ${issue.message}`);
  }
  const options = parsed.data;
  const outStat = statSync(options.out, { throwIfNoEntry: false });
  if (outStat && !outStat.isDirectory()) {
    throw new UsageError(
      `--out=${options.out} is a file; give a folder for the runs (default: runs)`,
    );
  }
  // `all` means every system whose engine is here; a system named outright
  // must be runnable.
  const all = options.systems.includes('all') || options.systems.length === 0;
  const skippedSystems: CompareConfig['skippedSystems'] = [];
  const systems = (all ? SYSTEM_NAMES : options.systems).filter((name) => {
    const reason = SYSTEMS[name]!.blocker?.(options.provider);
    if (reason && !all) throw new UsageError(`--systems: ${name} ${reason}`);
    if (reason) skippedSystems.push({ system: name, reason });
    return !reason;
  });
  const skippedFaults = options.nemesis.flatMap((fault) => {
    const reason = faultBlocker(fault);
    return reason ? [{ fault, reason }] : [];
  });
  if (skippedFaults.length > 0 && skippedFaults.length === options.nemesis.length) {
    const possible = NEMESIS_NAMES.filter((name) => !faultBlocker(name));
    throw new UsageError(
      `--nemesis: ${skippedFaults.map((s) => `${s.fault} ${s.reason}`).join('; ')}; faults that work here: ${possible.join(', ')}`,
    );
  }
  const settings = settingsFromFlags(raw, SYSTEM_FLAGS);
  const configurations: CompareConfig['configurations'] = {};
  for (const name of systems) {
    const system = SYSTEMS[name]!;
    // Each configuration carries its settings whole (defaults filled in),
    // so config.json records exactly what was measured.
    configurations[name] = configurationsOf(settings[name] ?? {}).map((c) => {
      const full = parseSettings(system, c.settings);
      const problem = system.validate?.({
        nodes: options.nodes ?? system.defaultNodes,
        settings: full,
        provider: options.provider,
      });
      if (problem) throw new UsageError(problem);
      return { ...c, settings: full };
    });
  }
  return {
    ...options,
    systems,
    skippedSystems,
    workloads: options.workload,
    workload: String(raw.workload).replace(/\s+/g, ''),
    nemesis: options.nemesis.filter((fault) => !faultBlocker(fault)),
    skippedFaults,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    settings,
    configurations,
  };
}

function parseSettings(system: System, given: Record<string, unknown>): Record<string, unknown> {
  try {
    return system.settings.parse(given);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

import { z } from 'zod';

/**
 * A system's settings, declared once. Each setting knows its type, bounds,
 * default and meaning; from that one declaration come the `compare` flag
 * (`--redis-node-timeout <ms>`), its help, the validation and its one-line
 * errors, the typed settings the adapter receives, and the table in the
 * adapter's README.
 */
export interface Setting<T> {
  readonly kind: 'integer' | 'millis' | 'choice';
  /** What it is, for the help and the docs (no default: that is added). */
  readonly help: string;
  readonly default: T;
  /** The flag's name when not `<prefix>-<name>` (dynamo's `--n`, Galera's `--galera-*`). */
  readonly flag?: string;
  /** The flag's placeholder (`<ms>`, `<level>`). */
  readonly placeholder: string;
  /** A list on the command line runs one configuration per value (`--cassandra-consistency=one,all`). */
  readonly variants: boolean;
  /** What it accepts, in words: "100 ms or more", "one, quorum or all". */
  readonly accepts: string;
  /** Accepts a value from code or one word from the command line. */
  readonly schema: z.ZodType<T>;
}

interface Common<T> {
  help: string;
  default: T;
  flag?: string;
  placeholder?: string;
}

export function integer(
  o: Common<number> & { min: number; max?: number; unit?: string },
): Setting<number> {
  const unit = o.unit ? ` ${o.unit}` : '';
  return {
    kind: 'integer',
    help: o.help,
    default: o.default,
    flag: o.flag,
    placeholder: o.placeholder ?? '<n>',
    variants: false,
    accepts: range(o.min, o.max, unit),
    schema: z.coerce
      .number({ message: 'must be a number' })
      .int({ message: 'must be a whole number' })
      .min(o.min, { message: `must be at least ${o.min}${unit}` })
      .max(o.max ?? Number.MAX_SAFE_INTEGER, { message: `must be at most ${o.max}${unit}` }),
  };
}

/** A span in milliseconds: `500`, `500ms` or `0.5s` on the command line. */
export function millis(o: Common<number> & { min: number; max?: number }): Setting<number> {
  return {
    kind: 'millis',
    help: o.help,
    default: o.default,
    flag: o.flag,
    placeholder: o.placeholder ?? '<ms>',
    variants: false,
    accepts: range(o.min, o.max, ' ms'),
    schema: milliseconds.pipe(z.number().int({ message: 'must be a whole number of ms' })).pipe(
      z
        .number()
        .min(o.min, { message: `must be at least ${o.min} ms` })
        .max(o.max ?? Number.MAX_SAFE_INTEGER, { message: `must be at most ${o.max} ms` }),
    ),
  };
}

/** One of a few words; `variants` lets a list run each in turn. */
export function choice<const V extends readonly [string, ...string[]]>(
  values: V,
  o: Common<V[number]> & { variants?: boolean },
): Setting<V[number]> {
  return {
    kind: 'choice',
    help: o.help,
    default: o.default,
    flag: o.flag,
    placeholder: o.placeholder ?? '<value>',
    variants: o.variants ?? false,
    accepts: o.variants ? `any of ${words(values)}` : words(values),
    schema: z.union([z.string(), z.number()]).transform((v, ctx) => {
      const word = String(v);
      if ((values as readonly string[]).includes(word)) return word as V[number];
      ctx.addIssue({
        code: 'custom',
        message: `unknown value "${word}"; valid: ${values.join(', ')}`,
      });
      return z.NEVER;
    }),
  };
}

/** Milliseconds, as a number ("50") or with a unit ("50ms", "0.2s"). */
export const milliseconds = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(String(value));
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a delay (e.g. 50, 50ms, 0.2s)` });
    return z.NEVER;
  }
  const n = Number(match[1]);
  return match[2] === 's' ? n * 1000 : n;
});

// biome-ignore lint/suspicious/noExplicitAny: a declaration holds settings of any type
type Declaration = Record<string, Setting<any>>;

export type SettingsOf<D extends Declaration> = {
  [K in keyof D]: D[K] extends Setting<infer T> ? T : never;
};

/** A declared setting with the flag it gets. */
export interface FlagSetting {
  key: string;
  /** Without the dashes: `redis-node-timeout`. */
  flag: string;
  setting: Setting<unknown>;
}

/** The declaration of one system's settings, and what is made from it. */
export class Settings<S extends object> {
  private readonly object: z.ZodType<S>;

  constructor(
    readonly declaration: Declaration,
    /** Flags are `--<prefix>-<name>` unless a setting names its own. */
    readonly prefix: string,
  ) {
    this.object = z.object(
      Object.fromEntries(
        Object.entries(declaration).map(([key, s]) => [key, s.schema.default(s.default)]),
      ),
    ) as unknown as z.ZodType<S>;
  }

  /** Settings given (from code, a config.json or flags) with the defaults filled in; throws on a bad one. */
  parse(given: Record<string, unknown> = {}): S {
    const parsed = this.object.safeParse(given);
    if (parsed.success) return parsed.data;
    throw new Error(this.problemOf(parsed.error));
  }

  /** Every setting with its flag. */
  flags(): FlagSetting[] {
    return Object.entries(this.declaration).map(([key, setting]) => ({
      key,
      flag: setting.flag ?? [this.prefix, kebab(key)].filter(Boolean).join('-'),
      setting,
    }));
  }

  /** The Markdown table of the settings, for the adapter's README. */
  table(): string {
    const rows = this.flags().map(
      ({ flag, setting }) =>
        `| \`--${flag} ${setting.placeholder}\` | ${String(setting.default)} | ${setting.accepts} | ${setting.help} |`,
    );
    return ['| flag | default | accepts | what it sets |', '|---|---|---|---|', ...rows].join('\n');
  }

  private problemOf(error: z.ZodError): string {
    const issue = error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const flag = this.flags().find((f) => f.key === key)?.flag ?? key;
    return `--${flag}: ${issue.message}`;
  }
}

export function defineSettings<D extends Declaration>(
  declaration: D,
  options: { prefix: string },
): Settings<SettingsOf<D>> {
  return new Settings<SettingsOf<D>>(declaration, options.prefix);
}

/** `nodeTimeoutMs` → `node-timeout`: the unit is in the placeholder, not the name. */
function kebab(key: string): string {
  return key.replace(/(Ms|Mb)$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function range(min: number, max: number | undefined, unit: string): string {
  return max === undefined ? `${min}${unit} or more` : `${min}–${max}${unit}`;
}

function words(values: readonly string[]): string {
  return values.length === 1
    ? values[0]!
    : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

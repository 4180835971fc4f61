import { type Command, Option } from 'commander';
import type { System } from '../adapters/types.ts';
import { UsageError } from '../core/errors.ts';
import type { Setting } from '../core/settings.ts';

/**
 * The `compare` flags made from the systems' settings declarations: one
 * flag per declared setting, shared where two systems declare the same
 * setting under the same flag (the MariaDB rows' `--mysql-*`).
 */
export interface SystemFlag {
  /** Without the dashes: `redis-node-timeout`. */
  flag: string;
  /** The name commander gives the value: `redisNodeTimeout`. */
  attribute: string;
  setting: Setting<unknown>;
  /** The systems it sets, each with the key of its settings it fills. */
  targets: { system: string; key: string }[];
}

export function systemFlags(systems: Record<string, System>): SystemFlag[] {
  const flags = new Map<string, SystemFlag>();
  for (const [name, system] of Object.entries(systems)) {
    for (const { flag, key, setting } of system.settings.flags()) {
      const known = flags.get(flag);
      if (known && known.setting !== setting)
        throw new Error(
          `--${flag} is declared by ${known.targets.map((t) => t.system).join(', ')} and by ${name} as different settings; give one of them its own flag`,
        );
      if (known) known.targets.push({ system: name, key });
      else
        flags.set(flag, {
          flag,
          attribute: new Option(`--${flag} <v>`).attributeName(),
          setting,
          targets: [{ system: name, key }],
        });
    }
  }
  return [...flags.values()];
}

/** Adds each system flag to `command`, its help naming the systems, the default and what it accepts. */
export function addSystemOptions(command: Command, flags: readonly SystemFlag[]): void {
  for (const { flag, setting, targets } of flags) {
    const systems = targets.map((t) => t.system).join(', ');
    const list = setting.variants ? '; a list runs one configuration per value' : '';
    command.addOption(
      new Option(
        `--${flag} ${setting.placeholder}`,
        `${systems}: ${setting.help} (${setting.accepts}, default ${String(setting.default)}${list})`,
      ),
    );
  }
}

/**
 * The system settings given on the command line, per system: each value
 * checked against its declaration (a list, for a variants setting, one
 * entry per value); flags not given are left out, for the defaults.
 */
export function settingsFromFlags(
  raw: Record<string, unknown>,
  flags: readonly SystemFlag[],
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const { flag, attribute, setting, targets } of flags) {
    for (const { system } of targets) out[system] ??= {};
    const given = raw[attribute];
    if (given === undefined) continue;
    const value = setting.variants
      ? flagValues(flag, setting, given)
      : flagValue(flag, setting, given);
    for (const { system, key } of targets) out[system]![key] = value;
  }
  return out;
}

function flagValue(flag: string, setting: Setting<unknown>, given: unknown): unknown {
  const parsed = setting.schema.safeParse(given);
  if (!parsed.success) throw new UsageError(`--${flag}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

function flagValues(flag: string, setting: Setting<unknown>, given: unknown): unknown[] {
  const items = (Array.isArray(given) ? given : String(given).split(','))
    .map((s) => String(s).trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${flag}: name at least one value`);
  return [...new Set(items.map((item) => flagValue(flag, setting, item)))];
}

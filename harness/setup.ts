import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SYSTEMS } from '../adapters/index.ts';
import type { System } from '../adapters/types.ts';
import { libfaketime } from '../chaos/clock.ts';
import { findOnPath } from '../core/tools.ts';

const run = promisify(execFile);

/** What `faultline doctor` says of one system. */
export function engineStatus(system: System): { ok: boolean; line: string } {
  const blocker = system.blocker?.('local');
  if (!blocker) return { ok: true, line: `${system.name}: ready · ${system.engine}` };
  const install = system.packages?.length
    ? `npm run setup ${system.name} (apt-get install ${system.packages.join(' ')})`
    : system.build
      ? `npm run setup ${system.name}`
      : 'see the README';
  return { ok: false, line: `${system.name}: missing · it ${blocker} · install: ${install}` };
}

/**
 * Installs the Debian packages of the systems whose engine is missing (as
 * root; otherwise says the command to run) and reports what each now has.
 */
export async function setupSystems(names: string[], log: (line: string) => void): Promise<boolean> {
  let ok = true;
  for (const name of names) {
    const system = SYSTEMS[name]!;
    const packages = system.packages ?? [];
    const blocked = system.blocker?.('local');
    // A system with a build step (jars, npm packages, a preload) is
    // reported, and judged, by that step below.
    if (!blocked) {
      if (!system.build)
        log(
          `${name}: ${packages.length ? 'already installed' : 'built in, nothing to install'} · ${system.engine}`,
        );
      continue;
    }
    if (packages.length === 0 || process.getuid?.() !== 0) {
      if (system.build) continue;
      log(`${name}: ${blocked}; as root: apt-get install -y ${packages.join(' ')}`);
      ok = false;
      continue;
    }
    log(`${name}: installing ${packages.join(', ')} from Debian's packages…`);
    const failed = await aptInstall(packages);
    if (failed) {
      log(`${name}: apt-get failed: ${failed}`);
      ok = false;
      continue;
    }
    if (system.build) continue;
    const still = system.blocker?.('local');
    if (still) {
      log(`${name}: still missing after install: ${still}`);
      ok = false;
    } else log(`${name}: installed · ${system.engine}`);
  }
  for (const name of names) {
    const system = SYSTEMS[name]!;
    if (!system.build) continue;
    try {
      log(`${name}: ready · ${await system.build()}`);
    } catch (error) {
      log(`${name}: ${(error as Error).message}`);
      ok = false;
      continue;
    }
    const still = system.blocker?.('local');
    if (still) {
      log(`${name}: still missing: ${still}`);
      ok = false;
    }
  }
  return ok;
}

/** apt-get install (an update first if the lists are stale); undefined, or why it failed in one line. */
async function aptInstall(packages: readonly string[]): Promise<string | undefined> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', '-qq', ...packages], { env }).catch(async () => {
      await run('apt-get', ['update', '-qq'], { env });
      await run('apt-get', ['install', '-y', '-qq', ...packages], { env });
    });
    return undefined;
  } catch (error) {
    return (
      (error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? (error as Error).message
    );
  }
}

/** What the faults need from Debian's packages, and how to tell each is here. */
export const FAULT_TOOLS = [
  {
    name: 'iptables',
    needed: 'partitions, loss and latency',
    present: () => findOnPath('iptables-restore', ['/usr/sbin', '/sbin']) !== undefined,
  },
  {
    name: 'iproute2',
    needed: "the workers' addresses and the check that no qdisc is left",
    present: () => findOnPath('tc', ['/usr/sbin', '/sbin']) !== undefined,
  },
  {
    name: 'faketime',
    needed: 'clock skew and drift (libfaketime)',
    present: () => libfaketime() !== undefined,
  },
] as const;

/** `faultline doctor`'s line for the fault tools. */
export function faultToolsStatus(): string {
  const parts = FAULT_TOOLS.map((t) =>
    t.present() ? `${t.name} present` : `${t.name} missing (${t.needed})`,
  );
  const missing = FAULT_TOOLS.filter((t) => !t.present());
  return `fault tools: ${parts.join(' · ')}${missing.length ? ' · install: npm run setup (as root)' : ''}`;
}

/** `npm run setup` installs what faults need too (as root; otherwise says the command). */
export async function setupFaultTools(log: (line: string) => void): Promise<boolean> {
  const missing = FAULT_TOOLS.filter((t) => !t.present()).map((t) => t.name);
  if (missing.length === 0) {
    log(`fault tools: ${FAULT_TOOLS.map((t) => t.name).join(', ')} already installed`);
    return true;
  }
  if (process.getuid?.() !== 0) {
    log(
      `fault tools: missing ${missing.join(', ')}; as root: apt-get install -y ${missing.join(' ')}`,
    );
    return false;
  }
  log(`fault tools: installing ${missing.join(', ')} from Debian's packages…`);
  const failed = await aptInstall(missing);
  const still = FAULT_TOOLS.filter((t) => !t.present()).map((t) => t.name);
  if (failed || still.length) {
    log(`fault tools: still missing ${still.join(', ')}${failed ? ` (apt-get: ${failed})` : ''}`);
    return false;
  }
  log(`fault tools: installed ${missing.join(', ')}`);
  return true;
}

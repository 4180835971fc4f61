import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SYSTEMS } from '../adapters/index.ts';
import type { System } from '../adapters/types.ts';

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
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      await run('apt-get', ['install', '-y', '-qq', ...packages], { env }).catch(async () => {
        await run('apt-get', ['update', '-qq'], { env });
        await run('apt-get', ['install', '-y', '-qq', ...packages], { env });
      });
    } catch (error) {
      log(
        `${name}: apt-get failed: ${(error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? (error as Error).message}`,
      );
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

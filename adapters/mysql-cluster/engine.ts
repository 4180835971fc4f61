import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findOnPath } from '../../core/tools.ts';

/** Debian's MariaDB server, the Galera provider, and rsync for state transfers. */
export const MARIADB_PACKAGES = ['mariadb-server', 'galera-4', 'rsync'];

export const GALERA_PROVIDER = '/usr/lib/galera/libgalera_smm.so';

const SBIN = ['/usr/sbin', '/usr/bin', '/usr/local/sbin'];

export function mariadbd(): string | undefined {
  return findOnPath('mariadbd', SBIN);
}

export function installDb(): string | undefined {
  return findOnPath('mariadb-install-db', SBIN);
}

/** Why a MariaDB row cannot run here (`galera` also needs the provider and rsync), or undefined. */
export function mariadbBlocker(galera: boolean): string | undefined {
  const missing = [
    !mariadbd() || !installDb() ? 'mariadbd' : '',
    galera && !existsSync(GALERA_PROVIDER) ? 'the Galera provider' : '',
    galera && !findOnPath('rsync', SBIN) ? 'rsync' : '',
  ].filter(Boolean);
  if (missing.length === 0) return undefined;
  const packages = galera ? MARIADB_PACKAGES : ['mariadb-server'];
  return `needs ${missing.join(', ')} (npm run setup mysql-cluster, or apt-get install ${packages.join(' ')})`;
}

let version: string | undefined;

export function mariadbVersion(): string | undefined {
  const server = mariadbd();
  if (!server) return undefined;
  try {
    version ??= /Ver (\S+?)-MariaDB/.exec(
      execFileSync(server, ['--version'], { encoding: 'utf8' }),
    )?.[1];
    return version;
  } catch {
    return undefined;
  }
}

import { createHash } from 'node:crypto';
import { chown, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mysqlAccount, run } from './admin.ts';
import { installDb } from './engine.ts';

/**
 * The folder a node's server can use as home: its folder in the run when
 * the `mysql` account can reach it, otherwise (a run folder under /root or
 * a private temporary folder) one under the system's temporary folder,
 * linked from the run folder so its logs and data are still found there.
 */
export async function nodeHome(dir: string): Promise<string> {
  if (await reachable(dirname(dir))) return dir;
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  const home = join(tmpdir(), 'faultline-mysql', id);
  await mkdir(home, { recursive: true });
  await mkdir(dirname(dir), { recursive: true });
  await symlink(home, dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return home;
}

/** Can the `mysql` account traverse every existing folder down to `dir`? */
async function reachable(dir: string): Promise<boolean> {
  const { uid, gid } = await mysqlAccount();
  for (let path = dir; ; path = dirname(path)) {
    const info = await stat(path).catch(() => undefined);
    if (info) {
      const bit = info.uid === uid ? 0o100 : info.gid === gid ? 0o010 : 0o001;
      if ((info.mode & bit) === 0) return false;
    }
    if (path === dirname(path)) return true;
  }
}

/**
 * A node's folder: my.cnf, data/, tmp/, all owned by `mysql` (mariadbd drops
 * to it; rsync state transfer fails when the server runs as root).
 */
export async function prepareNodeDir(dir: string, cnf: string): Promise<void> {
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await writeFile(join(dir, 'my.cnf'), cnf);
  const { uid, gid } = await mysqlAccount();
  for (const path of [dir, join(dir, 'data'), join(dir, 'tmp'), join(dir, 'my.cnf')])
    await chown(path, uid, gid);
}

/** The system tables of a new server (root over the socket with no password). */
export async function installSystemTables(dir: string): Promise<void> {
  const program = installDb();
  if (!program) throw new Error('mariadb-install-db is not installed: npm run setup mysql-cluster');
  if ((await readdir(join(dir, 'data'))).includes('mysql')) return;
  try {
    await run(
      program,
      [
        `--defaults-file=${join(dir, 'my.cnf')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { timeout: 60_000 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ');
    throw new Error(`mariadb-install-db failed: ${stderr || (error as Error).message}`);
  }
}

import { createHash } from 'node:crypto';
import {
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The folder a node's server can use as home: its folder in the run when
 * the `mysql` account can reach it, otherwise (a run folder under /root or
 * a private temporary folder) one under the system's temporary folder,
 * linked from the run folder so its logs and data are still found there.
 */
export async function nodeHome(dir: string, account: Account): Promise<string> {
  if (await reachable(dirname(dir), account)) return dir;
  await sweepNodeHomes();
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  const home = join(HOMES, id);
  await mkdir(home, { recursive: true });
  await mkdir(dirname(dir), { recursive: true });
  await symlink(home, dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  // Written last: a home without it is still being made, and is left alone.
  await writeFile(join(home, LINK), dir);
  return home;
}

const HOMES = join(tmpdir(), 'faultline-mysql');
/** In each home: the run folder's link to it, whose removal frees the home. */
const LINK = 'faultline-link';

/**
 * Removes the homes whose run folder is gone (a run deleted by its user, a
 * test's temporary folder removed): each holds a node's whole data (about
 * 240 MB), which nothing else would ever free. Returns what it removed.
 */
export async function sweepNodeHomes(): Promise<string[]> {
  const removed: string[] = [];
  for (const id of await readdir(HOMES).catch(() => [] as string[])) {
    const home = join(HOMES, id);
    const link = await readFile(join(home, LINK), 'utf8').catch(() => undefined);
    if (link === undefined) continue;
    // Only a link path that is gone altogether frees the home; anything else
    // there (the link, or a folder someone put in its place) keeps it.
    const gone = await lstat(link).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
    );
    if (!gone) continue;
    await rm(home, { recursive: true, force: true });
    removed.push(home);
  }
  return removed;
}

/** Can the `mysql` account traverse every existing folder down to `dir`? */
async function reachable(dir: string, { uid, gid }: Account): Promise<boolean> {
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
export async function prepareNodeDir(dir: string, cnf: string, account: Account): Promise<void> {
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await writeFile(join(dir, 'my.cnf'), cnf);
  const { uid, gid } = account;
  for (const path of [dir, join(dir, 'data'), join(dir, 'tmp'), join(dir, 'my.cnf')])
    await chown(path, uid, gid);
}

/** The `mysql` account Debian's package creates, which mariadbd drops to. */
export interface Account {
  uid: number;
  gid: number;
}

/** The account from `id mysql` ("uid=101(mysql) gid=104(mysql) ..."). */
export function parseAccount(id: string): Account {
  const uid = /uid=(\d+)/.exec(id)?.[1];
  const gid = /gid=(\d+)/.exec(id)?.[1];
  if (uid === undefined || gid === undefined)
    throw new Error(
      `no mysql account (id mysql said: ${id.trim() || 'nothing'}): is mariadb-server installed?`,
    );
  return { uid: Number(uid), gid: Number(gid) };
}

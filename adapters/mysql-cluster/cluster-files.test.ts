import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp-dirs.ts';
import { parseAccount, sweepNodeHomes } from './cluster-files.ts';

/** A node home as nodeHome makes one, linked from `dir` (or not, when `linked` is false). */
function home(name: string, dir: string, linked = true): string {
  const path = join(tmpdir(), 'faultline-mysql', `test-${process.pid}-${name}`);
  mkdirSync(join(path, 'data'), { recursive: true });
  if (linked) symlinkSync(path, dir);
  writeFileSync(join(path, 'faultline-link'), dir);
  return path;
}

describe('the MariaDB node homes outside the run folder', () => {
  it('go once their run folder is gone, and stay while it links to them', async () => {
    const runs = tempDir('fl-homes-');
    const kept = home('kept', join(runs, 'n1'));
    const orphan = home('orphan', join(runs, 'n2'), false);
    const removed = await sweepNodeHomes();
    expect(removed).toContain(orphan);
    expect(removed).not.toContain(kept);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(join(kept, 'data'))).toBe(true);
  });
});

describe('the mysql account, from wherever the server runs', () => {
  it('is read from `id mysql`, and a missing account says what to install', () => {
    expect(parseAccount('uid=101(mysql) gid=104(mysql) groups=104(mysql)\n')).toEqual({
      uid: 101,
      gid: 104,
    });
    expect(() => parseAccount('id: ‘mysql’: no such user')).toThrow(
      /^no mysql account \(id mysql said: id: ‘mysql’: no such user\): is mariadb-server installed\?$/,
    );
  });
});

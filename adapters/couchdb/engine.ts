import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findOnPath } from '../../core/tools.ts';
import { bindSourceBlocker, bindSourceLibrary } from '../bind-source/index.ts';

const run = promisify(execFile);

/** The server program and its own npm dependencies (installed by `npm run setup couchdb`). */
export const SERVER_DIR = fileURLToPath(new URL('./server/', import.meta.url));
export const SERVER = join(SERVER_DIR, 'server.cjs');

const installed = (name: string) => join(SERVER_DIR, 'node_modules', name, 'package.json');

/** Why the CouchDB row cannot run here, or undefined. */
export function couchdbBlocker(): string | undefined {
  if (!existsSync(installed('express-pouchdb')) || !existsSync(installed('pouchdb')))
    return 'needs its CouchDB-compatible server (npm run setup couchdb: express-pouchdb and pouchdb from npm)';
  return bindSourceBlocker();
}

export function pouchdbVersion(): string | undefined {
  try {
    return JSON.parse(readFileSync(installed('pouchdb'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Installs the server's dependencies (once) and builds the source-address preload. */
export async function installServer(): Promise<string> {
  if (!existsSync(installed('express-pouchdb'))) {
    const npm = findOnPath('npm');
    if (!npm) throw new Error('couchdb: npm is not on PATH');
    await run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: SERVER_DIR,
      timeout: 300_000,
    });
  }
  await bindSourceLibrary();
  return `PouchDB server ${pouchdbVersion()} in ${SERVER_DIR}`;
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtPath,
  type CachedBuild,
  ensureBuilt,
  goBinary,
  goBuild,
} from '../../core/cached-build.ts';

/**
 * mongod is in no registry this machine reaches. Locally the MongoDB row
 * runs FerretDB (a MongoDB wire-protocol server in Go, on SQLite), built
 * from the Go module proxy around its embeddable package (`ferretdb/`).
 */
const SOURCE = fileURLToPath(new URL('./ferretdb/', import.meta.url));

/** The FerretDB release `ferretdb/go.mod` requires. */
export const FERRETDB_VERSION =
  /github\.com\/FerretDB\/FerretDB v(\S+)/.exec(
    readFileSync(join(SOURCE, 'go.mod'), 'utf8'),
  )?.[1] ?? 'unknown';

const NO_GO =
  'needs Go to build FerretDB, its local MongoDB-compatible server (apt-get install golang, or Go on PATH)';

const SERVER: CachedBuild = {
  name: 'ferretdb',
  source: SOURCE,
  files: /\.(go|mod|sum)$/,
  what: `FerretDB ${FERRETDB_VERSION} (Go; about 2 minutes with an empty module cache)`,
  build: (out) => goBuild(SOURCE, out, `mongodb ${NO_GO}`),
};

/**
 * Why the MongoDB row cannot run here, or undefined. Built by setup, not
 * by a run: `compare` on all systems should not stop for a 2-minute build.
 */
export function mongodbBlocker(): string | undefined {
  if (existsSync(builtPath(SERVER))) return undefined;
  if (!goBinary()) return NO_GO;
  return `needs FerretDB ${FERRETDB_VERSION}, its local MongoDB-compatible server, built (npm run setup mongodb: Go builds it in about 2 minutes)`;
}

/** The server binary (built here if setup has not: saying so, it takes a while). */
export function ferretdbBinary(): Promise<string> {
  return ensureBuilt(SERVER, (line) => process.stderr.write(`mongodb: ${line}\n`));
}

/** `npm run setup mongodb`: builds FerretDB now rather than at the first run. */
export async function buildFerretdb(): Promise<string> {
  return `FerretDB ${FERRETDB_VERSION} at ${await ferretdbBinary()}`;
}

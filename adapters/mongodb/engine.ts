import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtPath,
  type CachedBuild,
  ensureBuilt,
  goBinary,
  goBuild,
} from '../../harness/cached-build.ts';

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

const MISSING =
  'needs Go to build FerretDB, its local MongoDB-compatible server (apt-get install golang, or Go on PATH)';

const SERVER: CachedBuild = {
  name: 'ferretdb',
  source: SOURCE,
  files: /\.(go|mod|sum)$/,
  what: `FerretDB ${FERRETDB_VERSION} (Go; about 2 minutes with an empty module cache)`,
  build: (out) => goBuild(SOURCE, out, `mongodb ${MISSING}`),
};

/** Why the MongoDB row cannot run here, or undefined. */
export function mongodbBlocker(): string | undefined {
  if (existsSync(builtPath(SERVER)) || goBinary()) return undefined;
  return MISSING;
}

/** The server binary, built on first use (saying so: it takes a while). */
export function ferretdbBinary(): Promise<string> {
  return ensureBuilt(SERVER, (line) => process.stderr.write(`mongodb: ${line}\n`));
}

/** `npm run setup mongodb`: builds FerretDB now rather than at the first run. */
export async function buildFerretdb(): Promise<string> {
  return `FerretDB ${FERRETDB_VERSION} at ${await ferretdbBinary()}`;
}

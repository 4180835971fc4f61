import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Every top folder that holds source. */
const FOLDERS = [
  'core',
  'cli',
  'harness',
  'adapters',
  'chaos',
  'workloads',
  'dynamo',
  'reports',
  'bench',
];
const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every source file (not tests) of a top folder, with the top folders it imports. */
function importsOf(folder: string): { file: string; imports: string[] }[] {
  const out: { file: string; imports: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(join(ROOT, path), 'utf8');
        const imports = [...text.matchAll(IMPORT)].map(
          (m) => normalize(relative(ROOT, join(ROOT, dirname(path), m[1]!))).split('/')[0]!,
        );
        out.push({ file: path, imports: imports.filter((top) => top !== folder) });
      }
    }
  };
  walk(folder);
  return out;
}

function offenders(folder: string, forbidden: (top: string) => boolean): string[] {
  return importsOf(folder).flatMap(({ file, imports }) =>
    imports.filter(forbidden).map((top) => `${file} imports ${top}/`),
  );
}

describe('layers', () => {
  it('core, at the bottom, imports no other folder', () => {
    expect(offenders('core', () => true)).toEqual([]);
  });

  it('adapters, chaos, workloads and the store never import the harness; adapters never import chaos', () => {
    for (const folder of ['adapters', 'chaos', 'workloads', 'dynamo'])
      expect(offenders(folder, (top) => top === 'harness')).toEqual([]);
    expect(offenders('adapters', (top) => top === 'chaos')).toEqual([]);
  });

  it('the harness never imports the bench, which measures it, nor the reports and the CLI above it', () => {
    for (const top of ['bench', 'reports', 'cli'])
      expect(offenders('harness', (t) => t === top)).toEqual([]);
  });

  it('the CLI is at the top: no folder imports it', () => {
    for (const folder of FOLDERS.filter((f) => f !== 'cli'))
      expect(offenders(folder, (top) => top === 'cli')).toEqual([]);
  });

  it('the folders import one another without a cycle', () => {
    const edges = new Map(
      FOLDERS.map((folder) => [folder, new Set(importsOf(folder).flatMap((f) => f.imports))]),
    );
    // A folder that reaches itself through the folders it imports is in a cycle.
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
      for (const next of edges.get(from) ?? []) {
        if (next === to) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        if (reaches(next, to, seen)) return true;
      }
      return false;
    };
    expect(FOLDERS.filter((folder) => reaches(folder, folder))).toEqual([]);
  });

  it('chaos and workloads build on core alone (the contracts a cluster and a client keep are there)', () => {
    for (const folder of ['chaos', 'workloads'])
      expect(offenders(folder, (top) => top !== 'core')).toEqual([]);
  });
});

/** Source without its comments, which may name a system as an example. */
function code(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('systems', () => {
  it('are named only in their own adapter folder and the registry (the bench and tests aside: they measure particular ones)', async () => {
    const { SYSTEMS } = await import('../adapters/index.ts');
    const names = Object.keys(SYSTEMS);
    const named = (text: string) =>
      names.filter((name) => new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(text));
    // A folder owns the systems its index.ts declares (`name: 'mysql-async'`).
    const owner = (folder: string) =>
      named(
        [...code(`adapters/${folder}/index.ts`).matchAll(/name: '([^']+)'/g)]
          .map((m) => m[1])
          .join(' '),
      );
    const found: string[] = [];
    // The store's own folder is named for the store, not for its row.
    for (const folder of ['core', 'harness', 'chaos', 'workloads', 'reports', 'dynamo'])
      for (const { file } of importsOf(folder))
        for (const name of named(code(file)))
          if (!(folder === 'dynamo' && name === 'dynamo')) found.push(`${file} names ${name}`);
    for (const { file } of importsOf('adapters')) {
      if (file === 'adapters/index.ts') continue;
      const parts = file.split('/');
      const own = parts.length > 2 ? owner(parts[1]!) : [];
      for (const name of named(code(file)))
        if (!own.includes(name)) found.push(`${file} names ${name}`);
    }
    expect(found).toEqual([]);
  });

  it('each have a subnet of their own', async () => {
    const { SYSTEMS } = await import('../adapters/index.ts');
    const subnets = Object.values(SYSTEMS).map((s) => s.subnet);
    expect(new Set(subnets).size).toBe(subnets.length);
  });
});

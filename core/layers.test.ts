import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
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

  it('the harness never imports the bench, which measures it', () => {
    expect(offenders('harness', (top) => top === 'bench')).toEqual([]);
  });

  it('chaos and workloads build on core alone (the contracts a cluster and a client keep are there)', () => {
    for (const folder of ['chaos', 'workloads'])
      expect(offenders(folder, (top) => top !== 'core')).toEqual([]);
  });
});

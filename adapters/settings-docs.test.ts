import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from './index.ts';
import { settingsBlocks, withSettingsTables } from './settings-docs.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const readmes = readdirSync(here, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => join(here, e.name, 'README.md'))
  .filter((path) => {
    try {
      readFileSync(path);
      return true;
    } catch {
      return false;
    }
  });

describe("the adapters' READMEs", () => {
  it('hold the settings table of every system once', () => {
    const blocks = readmes.flatMap((path) => settingsBlocks(readFileSync(path, 'utf8')));
    expect(blocks.sort()).toEqual(Object.keys(SYSTEMS).sort());
  });

  it('hold each table as the declaration makes it (npm run docs rewrites them)', () => {
    for (const path of readmes) {
      const text = readFileSync(path, 'utf8');
      expect(withSettingsTables(text, SYSTEMS), path).toBe(text);
    }
  });
});

// `npm run docs`: rewrites the settings table in each adapter's README from
// its system's declaration (adapters/settings-docs.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEMS } from './index.ts';
import { withSettingsTables } from './settings-docs.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
for (const entry of readdirSync(here, { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  const path = join(here, entry.name, 'README.md');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    continue;
  }
  const updated = withSettingsTables(text, SYSTEMS);
  if (updated !== text) {
    writeFileSync(path, updated);
    console.error(`updated ${join('adapters', entry.name, 'README.md')}`);
  }
}

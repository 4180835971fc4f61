import type { System } from './types.ts';

/**
 * The settings tables of the adapters' READMEs, made from the systems'
 * declarations: each table sits between `<!-- settings: <system> -->` and
 * `<!-- /settings -->`, so `npm run docs` can rewrite it and a test can
 * tell when it went stale.
 */
const BLOCK = /<!-- settings: ([a-z0-9-]+) -->\n[\s\S]*?<!-- \/settings -->/g;

/** The text with every settings block rewritten from its system's declaration. */
export function withSettingsTables(text: string, systems: Record<string, System>): string {
  return text.replace(BLOCK, (block, name: string) => {
    const system = systems[name];
    if (!system) return block;
    return `<!-- settings: ${name} -->\n${system.settings.table()}\n<!-- /settings -->`;
  });
}

/** The systems whose settings block the text holds. */
export function settingsBlocks(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => m[1]!);
}

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Arguments that make `node` run a TypeScript file of this repository, so a
 * child process (a store node) runs the same source as the harness, with no
 * build step. Resolved to an absolute URL so it works from any cwd.
 */
export function tsNodeArgs(script: string): string[] {
  const loader = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(loader).href, script];
}

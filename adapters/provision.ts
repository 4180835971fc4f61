import type { ProviderName } from './types.ts';

/** A cluster the local provider builds: started and formed by `create`, stopped by `teardown`. */
interface Creatable {
  create(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * What every system's `provision` does on the local provider: refuse other
 * providers in one line, form the cluster, and stop whatever started if
 * forming it failed.
 */
export async function provisionLocal<C extends Creatable>(
  system: string,
  provider: ProviderName,
  make: () => C,
): Promise<C> {
  if (provider !== 'local')
    throw new Error(`${system} runs on the local provider only (got ${provider})`);
  const cluster = make();
  try {
    await cluster.create();
  } catch (error) {
    await cluster.teardown();
    throw error;
  }
  return cluster;
}

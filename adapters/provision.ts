import { type Provider, providerNamed } from './provider.ts';
import type { ProviderName } from './types.ts';

/** A cluster a provider runs: started and formed by `create`, stopped by `teardown`. */
interface Creatable {
  create(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * What every system's `provision` does: hand the cluster the named
 * provider, form the cluster, and stop whatever started if forming it
 * failed.
 */
export async function provisionOn<C extends Creatable, O extends { provider?: Provider }>(
  provider: ProviderName,
  options: O,
  make: (options: O) => C,
): Promise<C> {
  const cluster = make({ ...options, provider: providerNamed(provider) });
  try {
    await cluster.create();
  } catch (error) {
    await cluster.teardown();
    throw error;
  }
  return cluster;
}

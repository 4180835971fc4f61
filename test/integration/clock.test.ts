import { describe, expect, it } from 'vitest';
import { dynamo } from '../../adapters/dynamo/index.ts';
import type { Cluster, NodeHandle } from '../../adapters/types.ts';
import { CLOCK_BLOCKER, ClockNemesis, libfaketime } from '../../chaos/clock.ts';
import { localImage } from '../../core/provider.ts';
import { seededRng } from '../../core/rng.ts';
import { DynamoClients } from '../../dynamo/client.ts';
import { dockerImageBlocker, skipUnless } from '../engines.ts';
import { stopAfterEach } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

const skip = skipUnless('clock tests', libfaketime() ? undefined : CLOCK_BLOCKER);
let cluster: Cluster | undefined;
const clients = new DynamoClients();

const client = (node: NodeHandle) => clients.of(node);

stopAfterEach(() => ({ cluster, clients }));

/** The docker provider's case runs in faultline's node image, whose libfaketime is Debian's, as here. */
const NODE_IMAGE = localImage(dynamo.image);
const dockerSkip =
  skip || skipUnless('clock tests in containers', await dockerImageBlocker(NODE_IMAGE));

/** A node restarted 60 s ahead shows it in its own clock and in the versions it stamps. */
async function sixtySecondsAhead(provider: 'local' | 'docker'): Promise<void> {
  cluster = await dynamo.provision(provider, {
    nodes: 3,
    dir: tempDir('fl-clock-'),
    settings: dynamo.settings.parse(),
    ...(provider === 'docker' ? { image: NODE_IMAGE } : {}),
  });
  const nemesis = new ClockNemesis(false, { offsetS: 60 });
  const fault = await nemesis.start(cluster, seededRng(3));
  expect(fault.value.offsetS).toBe(60);
  const skewed = cluster.nodes.find((n) => n.id === fault.value.nodes[0])!;
  const honest = cluster.nodes.find((n) => n.id !== skewed.id)!;

  const skewMs = async (node: NodeHandle) => (await client(node).status()).now - Date.now();
  expect(await skewMs(skewed)).toBeGreaterThan(58_000);
  expect(await skewMs(skewed)).toBeLessThan(62_000);
  expect(Math.abs(await skewMs(honest))).toBeLessThan(2_000);

  // Every node is a replica (N=3 of 3), so the node that receives a put coordinates it.
  await client(skewed).put('t-skewed', 1);
  await client(honest).put('t-honest', 2);
  const stamp = async (key: string) =>
    (await client(honest).get(key, { clocks: true })).siblings[0]!.ts! - Date.now();
  expect(await stamp('t-skewed')).toBeGreaterThan(55_000);
  expect(Math.abs(await stamp('t-honest'))).toBeLessThan(2_000);

  await nemesis.stop(cluster);
  expect(Math.abs(await skewMs(skewed))).toBeLessThan(2_000);
}

describe.skipIf(skip)('clock skew with libfaketime', () => {
  it(
    'a node restarted 60 s ahead shows it in its own clock and in the versions it stamps',
    () => sixtySecondsAhead('local'),
    30_000,
  );

  it.skipIf(dockerSkip)(
    'docker: a node restarted 60 s ahead in its container shows it the same way (libfaketime in the image)',
    () => sixtySecondsAhead('docker'),
    60_000,
  );

  it('a node restarted with its clock at 2x drifts: its clock runs twice as fast as ours', async () => {
    cluster = await dynamo.provision('local', {
      nodes: 3,
      dir: tempDir('fl-clock-'),
      settings: dynamo.settings.parse(),
    });
    const nemesis = new ClockNemesis(true, { rate: 2 });
    expect(nemesis.name).toBe('clock-drift');
    const fault = await nemesis.start(cluster, seededRng(5));
    expect(fault.value.rate).toBe(2);
    const drifting = cluster.nodes.find((n) => n.id === fault.value.nodes[0])!;
    const honest = cluster.nodes.find((n) => n.id !== drifting.id)!;

    const advance = async (node: NodeHandle) => {
      const [t0, n0] = [Date.now(), (await client(node).status()).now];
      await new Promise((r) => setTimeout(r, 2000));
      const [t1, n1] = [Date.now(), (await client(node).status()).now];
      return (n1 - n0) / (t1 - t0);
    };
    expect(await advance(drifting)).toBeGreaterThan(1.8);
    expect(await advance(drifting)).toBeLessThan(2.2);
    expect(Math.abs((await advance(honest)) - 1)).toBeLessThan(0.1);

    await nemesis.stop(cluster);
    expect(Math.abs((await advance(drifting)) - 1)).toBeLessThan(0.1);
  }, 40_000);
});

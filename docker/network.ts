import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { NodeHandle } from '../core/contracts.ts';
import { LABEL, RUN_LABEL, runtime } from './runtime.ts';

const run = promisify(execFile);

/**
 * The docker provider's addressing plan, the local one moved onto a bridge
 * network of faultline's own: the system with subnet s gets the network
 * 10.213.<10+s>.0/24 on a bridge named `faultline<10+s>`; node n is a
 * container at .n, and the workers pinned to it connect from .<100+n>, an
 * address the host holds on that bridge, so a partition by address cuts a
 * node together with its clients, as on loopback. The gateway is .254;
 * .200 is the spare client address (Cluster.spareClientAddress).
 */
const PREFIX = '10.213';

export interface NetworkPlan {
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  node(n: number): string;
  client(n: number): string;
  spareClient: string;
}

export function networkPlan(system: string, subnet: number): NetworkPlan {
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 89)
    throw new Error(`subnet ${subnet} is outside 1..89`);
  const octet = 10 + subnet;
  const base = `${PREFIX}.${octet}`;
  const host = (n: number) => {
    if (!Number.isInteger(n) || n < 1 || n > 99)
      throw new Error(`node number ${n} is outside 1..99`);
    return n;
  };
  return {
    name: `faultline-${system}`,
    bridge: `faultline${octet}`,
    subnet: `${base}.0/24`,
    gateway: `${base}.254`,
    node: (n) => `${base}.${host(n)}`,
    client: (n) => `${base}.${100 + host(n)}`,
    spareClient: `${base}.200`,
  };
}

/** Nodes `n1`…`n<count>` of a plan, all on `port`. */
export function containerNodes(plan: NetworkPlan, count: number, port: number): NodeHandle[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `n${i + 1}`,
    host: plan.node(i + 1),
    port,
    clientAddress: plan.client(i + 1),
  }));
}

/**
 * Creates the plan's network and gives the host the workers' addresses on
 * its bridge. A network of that name left by a crashed run is removed
 * first (its containers too): it holds the same subnet.
 */
export async function createNetwork(
  plan: NetworkPlan,
  runDir: string,
  clients: readonly string[],
): Promise<void> {
  const docker = await runtime();
  await removeNetwork(plan.name);
  try {
    await docker.client.network.create({
      Name: plan.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      IPAM: { Config: [{ Subnet: plan.subnet, Gateway: plan.gateway }] },
      Options: { 'com.docker.network.bridge.name': plan.bridge },
      Labels: { [LABEL]: 'network', [RUN_LABEL]: runDir },
    });
  } catch (error) {
    throw new Error(
      `docker network ${plan.name} (${plan.subnet}) cannot be created: ${(error as Error).message} (another network on that subnet? npx faultline heal removes faultline's)`,
    );
  }
  for (const address of clients) await addClientAddress(plan, address);
}

/**
 * Gives the host a workers' address on the plan's bridge: at creation, and
 * for a node a membership change adds later. It goes with the bridge.
 */
export async function addClientAddress(plan: NetworkPlan, address: string): Promise<void> {
  try {
    await run('ip', ['address', 'add', `${address}/32`, 'dev', plan.bridge]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `cannot give this host the workers' address ${address} on ${plan.bridge} (needs root and iproute2): ${stderr || (error as Error).message}`,
    );
  }
}

/** Removes the network of that name and whatever containers are still attached to it. */
export async function removeNetwork(name: string): Promise<void> {
  const docker = await runtime();
  const networks = await docker.dockerode.listNetworks({
    filters: JSON.stringify({ name: [name], label: [LABEL] }),
  });
  for (const info of networks.filter((n: { Name: string }) => n.Name === name)) {
    const network = docker.dockerode.getNetwork(info.Id);
    const inspected = await network.inspect();
    for (const id of Object.keys(inspected.Containers ?? {}))
      await docker.dockerode.getContainer(id).remove({ force: true });
    await network.remove();
  }
}

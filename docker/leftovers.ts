import { LABEL, RUN_LABEL, runtime } from './runtime.ts';

/** faultline's containers and networks, with the cluster folder each belongs to. */
export interface DockerLeftovers {
  containers: { id: string; name: string; run: string }[];
  networks: { id: string; name: string; run: string }[];
}

/** What faultline created in the Docker daemon and has not removed; none if no daemon answers. */
export async function dockerLeftovers(): Promise<DockerLeftovers> {
  let docker: Awaited<ReturnType<typeof runtime>>;
  try {
    docker = await runtime();
  } catch {
    return { containers: [], networks: [] };
  }
  const filters = JSON.stringify({ label: [LABEL] });
  const containers = await docker.dockerode.listContainers({ all: true, filters });
  const networks = await docker.dockerode.listNetworks({ filters });
  return {
    containers: containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      run: c.Labels[RUN_LABEL] ?? '',
    })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, run: n.Labels?.[RUN_LABEL] ?? '' })),
  };
}

/**
 * Removes faultline's containers (killed, not stopped: a crashed run's
 * data is kept in its folder, not in the container) and then its networks,
 * except those of runs still in progress (`keep`). Returns what it did.
 */
export async function removeDockerLeftovers(keep: (run: string) => boolean): Promise<string[]> {
  const found = await dockerLeftovers();
  const containers = found.containers.filter((c) => !keep(c.run));
  const networks = found.networks.filter((n) => !keep(n.run));
  if (containers.length === 0 && networks.length === 0) return [];
  const docker = await runtime();
  for (const c of containers) await docker.dockerode.getContainer(c.id).remove({ force: true });
  for (const n of networks) await docker.dockerode.getNetwork(n.id).remove();
  return [
    `removed ${containers.length} container(s) and ${networks.length} network(s) of faultline's from Docker${containers.length ? ` (${containers.map((c) => c.name).join(', ')})` : ''}`,
  ];
}

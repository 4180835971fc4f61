import type Dockerode from 'dockerode';
import type { ContainerRuntimeClient } from 'testcontainers';

/** testcontainers' client, and the Docker API beneath it for what testcontainers does not cover. */
export interface Runtime {
  client: ContainerRuntimeClient;
  dockerode: Dockerode;
}

/** Every container and network faultline creates carries this label (`faultline heal` finds them by it). */
export const LABEL = 'faultline';
/** The run folder a container or network belongs to. */
export const RUN_LABEL = 'faultline.run';

let client: Promise<Runtime> | undefined;

/**
 * The Docker daemon, through testcontainers (it finds DOCKER_HOST, the
 * default socket, or a configured context). Its reaper container cannot be
 * pulled where no registry is reachable, and faultline removes what it
 * creates itself (at teardown, on Ctrl-C, by `faultline heal`), so the
 * reaper stays off.
 */
export function runtime(): Promise<Runtime> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  client ??= import('testcontainers')
    .then((t) => t.getContainerRuntimeClient())
    .then((c) => ({ client: c, dockerode: c.container.dockerode }))
    .catch((error: Error) => {
      client = undefined;
      throw new Error(
        `the docker provider needs a Docker daemon, and none answers (${error.message.split('\n')[0]}): start one, or set DOCKER_HOST (docker/README.md)`,
      );
    });
  return client;
}

/** True if a Docker daemon answers; never throws. */
export async function dockerAnswers(): Promise<boolean> {
  try {
    await (await runtime()).dockerode.ping();
    return true;
  } catch {
    return false;
  }
}

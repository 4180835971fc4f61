import { LocalProcess } from '../core/processes.ts';
import type { NodeHandle, ProviderName } from './types.ts';

/**
 * The seam between a system and where its nodes run. A system's cluster
 * says what a node is (`NodeLaunch`: program, arguments, environment, its
 * folder) and how to tell it is ready; a provider turns that into a
 * running node it can kill, pause, resume and stop. The local provider
 * runs each node as a process of this machine; the docker provider runs
 * the same launch in a container (see adapters/README.md).
 */
export interface NodeLaunch {
  program: string;
  args: string[];
  /** The node's own environment (a provider adds a fault's, e.g. libfaketime). */
  env?: Record<string, string>;
  /** Text that names the node's process in `ps`, to tell it from a reused PID. */
  marker: string;
  /** The node's folder: its data, and `node.log`. */
  dir: string;
}

/** A node as a provider runs it. */
export interface RunningNode {
  /** For the run's state file, so a crashed run's nodes can be stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Crash: nothing is flushed, nothing is said goodbye to. */
  kill(): Promise<void>;
  /** Frozen: connections stay open and nothing answers. */
  pause(): void;
  resume(): void;
  /** Gracefully, then by force. */
  stop(): Promise<void>;
  /** The last lines of its log, for errors. */
  tail(): string;
}

export interface Provider {
  readonly name: ProviderName;
  /** Starts a node; resolves once it runs (not yet serves: the cluster waits for that). */
  launch(
    node: NodeHandle,
    launch: NodeLaunch,
    faultEnv?: Record<string, string>,
  ): Promise<RunningNode>;
}

/** Each node a process group of this machine, signalled by PID. */
export const localProvider: Provider = {
  name: 'local',
  async launch(_node, launch, faultEnv = {}) {
    const child = new LocalProcess(launch.program, launch.args, `${launch.dir}/node.log`);
    await child.start(mergeEnv(launch.env, faultEnv));
    return {
      get pid() {
        return child.pid;
      },
      get running() {
        return child.running;
      },
      kill: () => child.kill(),
      pause: () => child.signal('SIGSTOP'),
      resume: () => child.signal('SIGCONT'),
      stop: () => child.stop(),
      tail: () => child.tail(),
    };
  },
};

const PROVIDERS: Partial<Record<ProviderName, Provider>> = { local: localProvider };

/** The provider of that name, or a one-line error saying which exist. */
export function providerNamed(name: ProviderName): Provider {
  const provider = PROVIDERS[name];
  if (!provider)
    throw new Error(
      `the ${name} provider is not available yet; valid now: ${Object.keys(PROVIDERS).join(', ')}`,
    );
  return provider;
}

/** The node's own environment and a fault's, preloads of both kept. */
function mergeEnv(
  own: Record<string, string> = {},
  fault: Record<string, string> = {},
): Record<string, string> {
  const preload = [own.LD_PRELOAD, fault.LD_PRELOAD].filter(Boolean).join(':');
  return { ...own, ...fault, ...(preload ? { LD_PRELOAD: preload } : {}) };
}

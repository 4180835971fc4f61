import type { NodeHandle } from '../adapters/types.ts';
import { loopbackNodes } from '../core/addresses.ts';
import type { NodeLaunch, Provider, RunningNode } from '../core/provider.ts';

export interface RecordingOptions {
  /** Output of a tool run beside a node, by program ('' otherwise). */
  answers?: Record<string, string>;
  /**
   * Nodes that stay up until killed or stopped, on loopback addresses as
   * the local provider places them: the seam's whole lifecycle. By default
   * every node has exited at once, on container-like addresses, so a
   * cluster's start fails right after its launch and what it wrote and
   * asked for up to then is there to inspect.
   */
  nodesRun?: boolean;
}

/**
 * For unit tests of a cluster on the provider seam: a provider that runs
 * nothing. It writes down every call in order (`calls`), every launch and
 * every tool run beside a node.
 */
export function recordingProvider({ answers = {}, nodesRun = false }: RecordingOptions = {}) {
  const calls: string[] = [];
  const launches: { node: string; launch: NodeLaunch }[] = [];
  const tools: { node: string; program: string; args: string[] }[] = [];
  let pid = 1000;
  const provider: Provider = {
    name: 'docker',
    place: ({ system, subnet }) => ({
      hostProcesses: nodesRun,
      nodes: (count: number, port: number): NodeHandle[] => {
        calls.push(`place ${system} on subnet ${subnet}`);
        return nodesRun ? loopbackNodes(subnet, count, port) : containerNodes(subnet, count, port);
      },
      async launch(node, launch, faultEnv) {
        calls.push(
          `launch ${node.id} ${launch.program} ${launch.args.join(' ')} ${JSON.stringify(faultEnv ?? {})}`,
        );
        launches.push({ node: node.id, launch });
        return nodesRun ? runningNode(node.id, ++pid, calls) : exitedNode();
      },
      async exec(node, program, args) {
        tools.push({ node: node.id, program, args });
        return answers[program] ?? '';
      },
      close: async () => {
        calls.push('close');
      },
    }),
  };
  return { provider, calls, launches, tools };
}

function containerNodes(subnet: number, count: number, port: number): NodeHandle[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `n${i + 1}`,
    host: `10.213.${10 + subnet}.${i + 1}`,
    port,
    clientAddress: `10.213.${10 + subnet}.${101 + i}`,
  }));
}

function runningNode(id: string, pid: number, calls: string[]): RunningNode {
  let running = true;
  return {
    pid,
    get running() {
      return running;
    },
    kill: async () => {
      calls.push(`kill ${id}`);
      running = false;
    },
    pause: async () => {
      calls.push(`pause ${id}`);
    },
    resume: async () => {
      calls.push(`resume ${id}`);
    },
    stop: async () => {
      calls.push(`stop ${id}`);
      running = false;
    },
    tail: () => '',
  };
}

function exitedNode(): RunningNode {
  return {
    pid: undefined,
    running: false,
    kill: async () => {},
    pause: async () => {},
    resume: async () => {},
    stop: async () => {},
    tail: () => 'exited at once (a recording provider)',
  };
}

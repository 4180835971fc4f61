import type { NodeHandle } from '../adapters/types.ts';
import type { NodeLaunch, Provider } from '../core/provider.ts';

/**
 * For unit tests of a cluster's bring-up: a provider that runs nothing.
 * It records every launch and every tool run beside a node, answers tools
 * from `answers` (by program), and gives nodes that have already exited,
 * so a cluster's start fails at once after its launch: what it wrote and
 * asked for up to then is there to inspect.
 */
export function recordingProvider(answers: Record<string, string> = {}) {
  const launches: { node: string; launch: NodeLaunch }[] = [];
  const tools: { node: string; program: string; args: string[] }[] = [];
  const provider: Provider = {
    name: 'docker',
    place: ({ subnet }) => ({
      hostProcesses: false,
      nodes: (count: number, port: number): NodeHandle[] =>
        Array.from({ length: count }, (_, i) => ({
          id: `n${i + 1}`,
          host: `10.213.${10 + subnet}.${i + 1}`,
          port,
          clientAddress: `10.213.${10 + subnet}.${101 + i}`,
        })),
      async launch(node, launch) {
        launches.push({ node: node.id, launch });
        return {
          pid: undefined,
          running: false,
          kill: async () => {},
          pause: async () => {},
          resume: async () => {},
          stop: async () => {},
          tail: () => 'exited at once (a recording provider)',
        };
      },
      async exec(node, program, args) {
        tools.push({ node: node.id, program, args });
        return answers[program] ?? '';
      },
      close: async () => {},
    }),
  };
  return { provider, launches, tools };
}

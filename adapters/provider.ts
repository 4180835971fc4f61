import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loopbackNodes, spareClientAddress } from '../core/addresses.ts';
import { LocalProcess } from '../core/processes.ts';
import { mergeEnv, type Provider, type ProviderName } from '../core/provider.ts';
import { processGroupUsage } from '../core/usage.ts';
import { dockerProvider } from '../docker/provider.ts';

export type { NodeLaunch, Placement, Provider, RunningNode } from '../core/provider.ts';

/**
 * Each node a process group of this machine on its own loopback address
 * (core/addresses.ts), signalled by PID, its output in `<dir>/node.log`.
 */
export const localProvider: Provider = {
  name: 'local',
  place: ({ subnet }) => ({
    hostProcesses: true,
    nodes: (count, port) => loopbackNodes(subnet, count, port),
    spareClientAddress: spareClientAddress(subnet),
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
        pause: async () => child.signal('SIGSTOP'),
        resume: async () => child.signal('SIGCONT'),
        stop: () => child.stop(),
        tail: () => child.tail(),
        usage: async () => (child.running && child.pid ? processGroupUsage(child.pid) : undefined),
      };
    },
    async exec(_node, program, args, timeoutMs) {
      try {
        return (await run(program, args, { timeout: timeoutMs })).stdout;
      } catch (error) {
        throw new Error(failure(program, error as Error & { stdout?: string; stderr?: string }));
      }
    },
    close: async () => {},
  }),
};

const run = promisify(execFile);

/** A tool's failure in one line, with the last of what it printed. */
function failure(program: string, error: Error & { stdout?: string; stderr?: string }): string {
  const out = `${error.stdout ?? ''}\n${error.stderr ?? ''}`.trim().split('\n').slice(-3).join(' ');
  return `${program} failed: ${out || error.message}`;
}

const PROVIDERS: Record<ProviderName, Provider> = { local: localProvider, docker: dockerProvider };

export function providerNamed(name: ProviderName): Provider {
  return PROVIDERS[name];
}

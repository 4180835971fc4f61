import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { Cut } from './shapes.ts';

const run = promisify(execFile);

/**
 * faultline's iptables rules: DROP by source and destination address, all in
 * one chain of its own jumped to from INPUT and OUTPUT, so healing is one
 * flush and nothing else on the host is touched. Commands are argument
 * arrays (never a shell string); a partition's rules go in at once through
 * `iptables-restore --noflush`, so no write slips through half a partition.
 *
 * DROP rules are inserted at the top of the chain and NFQUEUE (delay) rules
 * appended at the bottom: a packet a delay helper accepts skips the rest of
 * the chain, so a DROP below an NFQUEUE rule would miss delayed packets.
 */
export const CHAIN = 'FAULTLINE';
/**
 * Where the chain is jumped to from: loopback traffic and the host's own
 * traffic to containers cross INPUT and OUTPUT; traffic between containers
 * on a bridge crosses FORWARD, whose first stop Docker leaves to the user
 * (DOCKER-USER, there once a Docker daemon has run).
 */
const HOOKS = ['INPUT', 'OUTPUT'] as const;
const DOCKER_HOOK = 'DOCKER-USER';

export class Firewall {
  /**
   * Creates the chain and its jumps if missing. Checked every time (a few
   * ms): another nemesis may have removed the chain since.
   */
  async setup(): Promise<void> {
    if (!(await succeeds(['-n', '-L', CHAIN]))) await iptables(['-N', CHAIN]);
    for (const hook of await hooks()) {
      if (!(await succeeds(['-C', hook, '-j', CHAIN])))
        await iptables(['-I', hook, '1', '-j', CHAIN]);
    }
  }

  /** Drops all traffic between the addresses of each cut pair, both ways. */
  async cut(
    cuts: readonly Cut[],
    addresses: (node: string) => readonly string[],
  ): Promise<string[]> {
    const rules: string[] = [];
    for (const [a, b] of cuts) {
      for (const x of addresses(a)) {
        for (const y of addresses(b)) {
          rules.push(
            `-I ${CHAIN} -s ${x}/32 -d ${y}/32 -j DROP`,
            `-I ${CHAIN} -s ${y}/32 -d ${x}/32 -j DROP`,
          );
        }
      }
    }
    return this.apply(rules);
  }

  /** Drops each packet from or to a node (or its workers) with the given probability. */
  async lose(node: string, client: string, probability: number): Promise<string[]> {
    return this.apply(lossRules(node, client, probability));
  }

  /**
   * Sends every packet leaving `node`'s address to NFQUEUE `queue`, where a
   * delay helper holds it. Once per packet (see `once`); `--queue-bypass`
   * lets packets through while no helper listens (it crashed, or has not
   * started yet).
   */
  async delay(node: string, queue: number): Promise<string[]> {
    return this.apply([
      `-A ${CHAIN} ${once(node)}-s ${node}/32 -j NFQUEUE --queue-num ${queue} --queue-bypass`,
    ]);
  }

  /** Adds rules to the chain in one step. */
  private async apply(rules: string[]): Promise<string[]> {
    await this.setup();
    await restore(`*filter\n${rules.join('\n')}\nCOMMIT\n`);
    return rules;
  }

  /** Removes every rule of the chain: traffic flows again. */
  async heal(): Promise<void> {
    if (await succeeds(['-n', '-L', CHAIN])) await iptables(['-F', CHAIN]);
  }

  /** Removes the rules, the jumps and the chain. */
  async teardown(): Promise<void> {
    await this.heal();
    for (const hook of await hooks()) {
      while (await succeeds(['-C', hook, '-j', CHAIN])) await iptables(['-D', hook, '-j', CHAIN]);
    }
    if (await succeeds(['-n', '-L', CHAIN])) await iptables(['-X', CHAIN]);
  }
}

/**
 * Loss rules that make exactly one random decision per packet: matched once
 * per packet (see `once`); and a packet between the node and its own
 * workers has both addresses in the set, so the destination rules leave out
 * the other address. Otherwise 20% asked would be ~59% dropped.
 */
export function lossRules(node: string, client: string, probability: number): string[] {
  const p = `-m statistic --mode random --probability ${probability.toFixed(4)} -j DROP`;
  const via = once(node);
  return [
    `-I ${CHAIN} ${via}-s ${node}/32 ${p}`,
    `-I ${CHAIN} ${via}-s ${client}/32 ${p}`,
    `-I ${CHAIN} ${via}-d ${node}/32 ! -s ${client}/32 ${p}`,
    `-I ${CHAIN} ${via}-d ${client}/32 ! -s ${node}/32 ${p}`,
  ];
}

/**
 * What makes a rule see each packet once. A loopback packet crosses the
 * chain twice (OUTPUT, then INPUT), so its rules match only on the way out
 * (`-o lo`); a container's packet crosses it once (FORWARD between
 * containers, OUTPUT or INPUT between a container and the host).
 */
function once(address: string): string {
  return address.startsWith('127.') ? '-o lo ' : '';
}

/** INPUT and OUTPUT, and DOCKER-USER where a Docker daemon made it. */
async function hooks(): Promise<string[]> {
  return (await succeeds(['-n', '-L', DOCKER_HOOK])) ? [...HOOKS, DOCKER_HOOK] : [...HOOKS];
}

/** Rules faultline left in iptables (a crashed run), as `iptables -S` prints them. */
export function leftoverRules(): string[] {
  try {
    return execFileSync('iptables', ['-S'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter((line) => line.includes(CHAIN));
  } catch {
    return [];
  }
}

async function iptables(args: string[]): Promise<void> {
  try {
    await run('iptables', ['-w', ...args]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`iptables ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/** For checks (does the chain or a jump exist?): failure is an answer, not an error. */
function succeeds(args: string[]): Promise<boolean> {
  return iptables(args).then(
    () => true,
    () => false,
  );
}

function restore(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('iptables-restore', ['-w', '--noflush'], (error, _stdout, stderr) => {
      if (error) reject(new Error(`iptables-restore failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
    child.stdin!.end(input);
  });
}

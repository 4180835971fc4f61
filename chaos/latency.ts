import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../core/contracts.ts';
import { pick, type Rng } from '../core/rng.ts';
import { Firewall } from './firewall.ts';
import { DelayHelper, ensureHelper, helperBlocker } from './netdelay.ts';
import { rootFaultBlocker } from './support.ts';
import type { FaultRecord, Nemesis, NemesisOptions } from './types.ts';

/** The NFQUEUE faultline's delay helper binds; one latency fault at a time. */
export const DELAY_QUEUE = 4717;

export const DEFAULT_LATENCY = { delayMs: 50, jitterMs: 10 };

/**
 * Latency with jitter on one node, as netem on its interface would add it:
 * every packet leaving the node is held for delay ± jitter (uniform) before
 * it goes out, so each round trip through the node grows by about the delay,
 * its requests to peers included. Packets are held by a userspace helper fed
 * by iptables' NFQUEUE (see netdelay.ts for why not tc netem).
 */
export class LatencyNemesis implements Nemesis {
  readonly name = 'latency';
  readonly endName = 'stop-latency';
  private readonly firewall = new Firewall();
  private helper: DelayHelper | undefined;
  private binary: string | undefined;
  private readonly delay: { delayMs: number; jitterMs: number };

  constructor(private readonly options: NemesisOptions = {}) {
    this.delay = options.latency ?? DEFAULT_LATENCY;
  }

  blocker(): string | undefined {
    return rootFaultBlocker('iptables') ?? helperBlocker();
  }

  async prepare(log: (line: string) => void): Promise<void> {
    this.binary = await ensureHelper(log);
  }

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    const running = cluster.nodes.filter((n) => cluster.isUp(n.id));
    if (running.length === 0) throw new Error('latency: no running node to act on');
    const node = pick(rng, running);
    const binary = this.binary ?? (await ensureHelper());
    const dir = this.options.dir ?? '.';
    mkdirSync(dir, { recursive: true });
    const logFile = join(dir, `netdelay-${cluster.system}.log`);
    this.helper = await DelayHelper.start(
      binary,
      { queue: DELAY_QUEUE, ...this.delay, seed: Math.floor(rng() * 2 ** 31) },
      logFile,
    );
    const pid = this.helper.process.pid;
    if (pid) this.options.onProcess?.({ node: 'netdelay', pid, marker: `--queue=${DELAY_QUEUE}` });
    const rules = await this.firewall.delay(node.host, DELAY_QUEUE);
    return {
      f: this.name,
      value: { nodes: [node.id], ...this.delay, queue: DELAY_QUEUE, rules: rules.length },
    };
  }

  /** Rules first, so nothing new is queued; then the helper lets the held packets go. */
  async stop(): Promise<FaultRecord> {
    await this.firewall.heal();
    await this.helper?.stop();
    this.helper = undefined;
    return { f: this.endName, value: { nodes: [] } };
  }

  async heal(): Promise<void> {
    await this.firewall.teardown().catch(() => {});
    await this.helper?.stop().catch(() => {});
    this.helper = undefined;
  }
}

import type { Cluster } from '../core/contracts.ts';
import { pick, type Rng } from '../core/rng.ts';
import { Firewall } from './firewall.ts';
import { rootFaultBlocker } from './support.ts';
import type { FaultRecord, Nemesis } from './types.ts';

/**
 * Packet loss on one node: each packet from or to its addresses (the node's
 * and its workers') is dropped at random, by iptables' statistic match. TCP
 * hides the loss behind retransmissions, so it shows as latency spikes and
 * timeouts, as on a bad link.
 */
export class LossNemesis implements Nemesis {
  readonly name = 'loss';
  readonly endName = 'stop-loss';
  private readonly firewall = new Firewall();

  constructor(private readonly probability = 0.2) {}

  blocker(): string | undefined {
    return rootFaultBlocker('iptables');
  }

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    const running = cluster.nodes.filter((n) => cluster.isUp(n.id));
    if (running.length === 0) throw new Error('loss: no running node to act on');
    const node = pick(rng, running);
    const rules = await this.firewall.lose(node.host, node.clientAddress, this.probability);
    return {
      f: this.name,
      value: { nodes: [node.id], probability: this.probability, rules: rules.length },
    };
  }

  async stop(): Promise<FaultRecord> {
    await this.firewall.heal();
    return { f: this.endName, value: { nodes: [] } };
  }

  async heal(): Promise<void> {
    await this.firewall.teardown().catch(() => {});
  }
}

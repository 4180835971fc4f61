import type { EndpointState, Gossiper } from './gossip.ts';
import type { Request } from './protocol.ts';
import { Ring } from './ring.ts';
import type { Version } from './vclock.ts';

/** Keys streamed at once to a new owner. */
const STREAM_PARALLEL = 32;
/** A stream of a whole node's share may take long on a loaded machine. */
export const STREAM_TIMEOUT_MS = 300_000;

/**
 * The rings a node routes by, from the members' gossiped statuses: the
 * current one (normal and leaving members: who owns keys now) and the
 * future one (normal and joining: who will own them once the moves
 * finish). A write also goes to the future owners it would miss, so no
 * write made during a move is left behind on a node that gives the key up.
 */
export interface Rings {
  current: Ring;
  future: Ring;
  /** A member is joining or leaving: the two rings differ. */
  moving: boolean;
}

export function ringsOf(states: readonly EndpointState[], tokens: number): Rings {
  const ids = (statuses: string[]) =>
    states
      .filter((s) => statuses.includes(s.status))
      .map((s) => s.id)
      .sort();
  const current = ids(['normal', 'leaving']);
  const future = ids(['normal', 'joining']);
  const now = current.length > 0 ? current : future;
  const next = future.length > 0 ? future : current;
  return {
    current: new Ring(now, tokens),
    future: new Ring(next, tokens),
    moving: now.join() !== next.join(),
  };
}

export interface MembershipDeps {
  self: string;
  n: number;
  tokens: number;
  gossip: Gossiper;
  rings: () => Rings;
  /** This node's own keys, and a key's versions. */
  keys: () => string[];
  own: (key: string) => Version[];
  call: (node: string, request: Request, timeoutMs: number) => Promise<unknown>;
  /** How long a status change takes to reach every member by gossip. */
  propagationMs: number;
}

/**
 * Membership changes, by Dynamo's procedure as Cassandra runs it: a node
 * announces its new status by gossip, waits until every coordinator has
 * heard (from then on they copy new writes to the future owners), streams
 * what it must, then announces the end of the move.
 */
export class Membership {
  constructor(private readonly deps: MembershipDeps) {}

  /**
   * Joining: every current member streams to this node the keys it will
   * own in the ring with it; then it is `normal`, and takes its share of
   * requests. Gives the keys received (each once per sender).
   */
  async join(): Promise<number> {
    const { gossip, self } = this.deps;
    gossip.setStatus('joining');
    await sleep(this.deps.propagationMs);
    const future = this.deps.rings().future.nodes;
    let received = 0;
    for (const peer of this.deps.rings().current.nodes.filter((id) => id !== self)) {
      const { keys } = (await this.deps.call(
        peer,
        { type: 'stream-to', to: self, members: [...future] },
        STREAM_TIMEOUT_MS,
      )) as { keys: number };
      received += keys;
    }
    gossip.setStatus('normal');
    await sleep(this.deps.propagationMs);
    return received;
  }

  /**
   * Decommission: this node streams each of its keys to the owners it
   * gains in the ring without it, then is `left`. Hints it holds go to
   * their owners first (see the node's handoff). Gives the keys sent.
   */
  async decommission(): Promise<number> {
    const { gossip, self } = this.deps;
    gossip.setStatus('leaving');
    await sleep(this.deps.propagationMs);
    const remaining = this.deps.rings().current.nodes.filter((id) => id !== self);
    const sent = await this.streamTo(remaining, (owners) => owners.filter((o) => o !== self));
    gossip.setStatus('left');
    await sleep(this.deps.propagationMs);
    return sent;
  }

  /** Serves `stream-to`: sends `to` every key it owns in the ring of `members`. */
  streamFor(to: string, members: string[]): Promise<number> {
    return this.streamTo(members, (owners) => (owners.includes(to) ? [to] : []));
  }

  /**
   * Sends each own key to the nodes `pick` chooses among its owners in the
   * ring of `members` that do not own it now (they may lack it).
   */
  private async streamTo(members: string[], pick: (owners: string[]) => string[]): Promise<number> {
    const { n, tokens } = this.deps;
    const next = new Ring(members, tokens);
    const now = this.deps.rings().current;
    const sends: { node: string; key: string }[] = [];
    for (const key of this.deps.keys()) {
      const owners = now.preferenceList(key, n);
      for (const node of pick(next.preferenceList(key, n))) {
        if (node !== this.deps.self && !owners.includes(node)) sends.push({ node, key });
      }
    }
    for (let i = 0; i < sends.length; i += STREAM_PARALLEL) {
      await Promise.all(
        sends
          .slice(i, i + STREAM_PARALLEL)
          .map(({ node, key }) =>
            this.deps.call(
              node,
              { type: 'replicate', key, versions: this.deps.own(key) },
              STREAM_TIMEOUT_MS,
            ),
          ),
      );
    }
    return sends.length;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

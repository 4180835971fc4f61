import type { AntiEntropyStats } from './anti-entropy.ts';
import type { EndpointState, MemberStatus, PeerView } from './gossip.ts';
import type { HintStats } from './hints.ts';
import type { Conflicts, Context, VClock, Version } from './vclock.ts';

/**
 * The wire protocol of the Dynamo store: one JSON object per line over TCP,
 * requests carry an `id` echoed by their response, so many requests share a
 * connection. Clients and peer nodes speak the same protocol on the same port.
 */

export interface QuorumOptions {
  /** Replication factor for this request (at most the cluster's node count). */
  n?: number;
  r?: number;
  w?: number;
}

/**
 * Set by a client that coordinates (client-driven coordination): the
 * client routed by its own copy of the ring, which may be behind. The node
 * refuses (`not-owner`, nothing done) unless it is among the key's first
 * `owner` nodes now or after a move, and copies a write to the
 * owners-to-be during a move, as a coordinating node does.
 */
export interface OwnerCheck {
  owner?: number;
}

export interface ClockOptions {
  /**
   * Answer with each version's vector clock (and a get's siblings with
   * their timestamps), for display. Off by default: Dynamo answers with the
   * values and one context, and clocks made up most of a read's reply.
   */
  clocks?: boolean;
}

export type Request =
  /** Coordinated read: ask the key's N replicas, answer after R replies. */
  | ({ type: 'get'; key: string; repairSync?: boolean } & QuorumOptions & ClockOptions)
  /** Coordinated write: store on the coordinator, answer after W acks. */
  | ({ type: 'put'; key: string; value: unknown; context?: Context } & QuorumOptions & ClockOptions)
  /**
   * This node's own copy of a key: replica reads, and the read quorum's
   * parts. With `unless`, a sibling set's digest (its dots): answered
   * `{ same: true }` when this copy's digest is that one. With `digest`,
   * answered with this copy's digest alone (a client's digest read); with
   * `answer`, as a get answers (each sibling's value, one context) and
   * with the digest (a client's data read). With `owner`, see OwnerCheck.
   */
  | ({
      type: 'local-get';
      key: string;
      unless?: string;
      digest?: boolean;
      answer?: boolean;
    } & OwnerCheck)
  /**
   * Merge versions into this node's copy, durably (replication, read
   * repair); with `hint`, keep them for that owner instead (sloppy quorum).
   * With `owner`, see OwnerCheck.
   */
  | ({ type: 'replicate'; key: string; versions: Version[]; hint?: string } & OwnerCheck)
  /** What a client needs to coordinate requests itself: the members, their places and the node's settings. */
  | { type: 'ring' }
  /** Push-pull gossip: the sender's view of every member; answered with the receiver's. */
  | { type: 'gossip'; states: EndpointState[] }
  /** Anti-entropy: this node's Merkle root of each range asked. */
  | { type: 'tree-roots'; ranges: number[] }
  /** Anti-entropy: the leaf hashes of one range. */
  | { type: 'tree-leaves'; range: number }
  /** Anti-entropy: this node's own keys and versions in the given leaves of a range. */
  | { type: 'range-keys'; range: number; leaves: number[] }
  /** Membership: send `to` every key it owns in the ring of `members` (a join's streaming). */
  | { type: 'stream-to'; to: string; members: string[] }
  /** Membership: hand this node's data to the next owners and leave the ring. */
  | { type: 'decommission' }
  | { type: 'preflist'; key: string; n?: number }
  | { type: 'status' };

export interface GetResult {
  /** Concurrent versions, as siblings; empty when the key is absent. Clock and ts with `clocks`. */
  siblings: { value: unknown; clock?: VClock; ts?: number }[];
  /** Pass this back on the next put to supersede every sibling read. */
  context: Context;
  /** Replicas that answered in time. */
  replies: number;
}

export interface PutResult {
  /** The new version's clock, with `clocks`. */
  clock?: VClock;
  /** What the writer has now seen (its context and the new version): pass it on the next put. */
  context: Context;
  acks: number;
}

export type LocalGetResult =
  | { versions: Version[] }
  | { same: true }
  | { digest: string }
  | ReadAnswer;

/** A replica's copy as a get answers it, and its digest. */
export interface ReadAnswer {
  siblings: { value: unknown }[];
  context: Context;
  digest: string;
}

export interface StatusResult {
  id: string;
  pid: number;
  keys: number;
  startedAt: number;
  /** The node's wall clock (ms), as skewed as the node is. */
  now: number;
  sloppyQuorum: boolean;
  /** This node's place in the ring, and the ring it routes by (normal and leaving members). */
  status: MemberStatus;
  ring: string[];
  /** Every other member as gossip and this node's failure detector see it. */
  peers: PeerView[];
  hints: HintStats;
  antiEntropy: AntiEntropyStats;
  readRepair: boolean;
}

/** The answer to `ring`. */
export interface RingResult {
  /** Every member as this node's gossip knows it: address, status and token count. */
  states: EndpointState[];
  tokens: number;
  sloppyQuorum: boolean;
  conflicts: Conflicts;
  readRepair: boolean;
}

export interface GossipResult {
  states: EndpointState[];
}

/**
 * Error codes. `definite` says whether the operation certainly did not take
 * effect: the most important fact for a checker (fail vs info).
 */
export type ErrorCode =
  | 'unreachable' // could not connect: the request never left
  | 'timeout' // no answer in time: it may have taken effect
  | 'connection-lost' // the connection dropped after the request left
  | 'quorum' // fewer than R/W replicas answered
  | 'not-owner' // routed by a ring that is behind: this node holds no replica of the key
  | 'bad-request'
  | 'internal';

export interface WireError {
  code: ErrorCode;
  message: string;
  definite: boolean;
}

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WireError };

export class DynamoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly definite: boolean,
  ) {
    super(message);
    this.name = 'DynamoError';
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, definite: this.definite };
  }
}

/** Splits a byte stream into lines and hands each parsed object on. */
export function lineReader(onMessage: (message: unknown) => void): (chunk: Buffer) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString('utf8');
    let start = 0;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      if (newline > start) onMessage(JSON.parse(buffered.slice(start, newline)));
      start = newline + 1;
      newline = buffered.indexOf('\n', start);
    }
    buffered = buffered.slice(start);
  };
}

/** Where lines go: a socket. */
interface LineSink {
  readonly destroyed: boolean;
  write(text: string): boolean;
}

/**
 * Writes each message as a line, all the lines of one event-loop turn in
 * one write: a socket write per message cost more CPU than anything else a
 * node did (3.6 of 8.3 busy seconds in a write-heavy profile, most of it
 * the write itself). The batch goes out before the next turn's I/O, so a
 * message waits at most one turn.
 */
export function lineWriter(sink: LineSink): (message: object | Serialized) => void {
  let lines: string[] = [];
  const flush = () => {
    const batch = lines;
    lines = [];
    if (!sink.destroyed) sink.write(batch.length === 1 ? batch[0]! : batch.join(''));
  };
  return (message) => {
    if (lines.length === 0) setImmediate(flush);
    lines.push(`${message instanceof Serialized ? message.json : JSON.stringify(message)}\n`);
  };
}

/**
 * A message or result already in JSON, written as it is: a replica's
 * sibling set is serialized once per change rather than once per read
 * (serializing replies was an eighth of a read-heavy node's time).
 */
export class Serialized {
  constructor(readonly json: string) {}
}

/** A `replicate` request around versions already in JSON. */
export function replicateRequest(
  key: string,
  versionsJson: string,
  hint?: string,
  owner?: number,
): Serialized {
  const hinted = hint === undefined ? '' : `,"hint":${JSON.stringify(hint)}`;
  const checked = owner === undefined ? '' : `,"owner":${owner}`;
  return new Serialized(
    `{"type":"replicate","key":${JSON.stringify(key)},"versions":${versionsJson}${hinted}${checked}}`,
  );
}

/** A successful reply whose result may be already serialized. */
export function okReply(id: number, result: unknown): object | Serialized {
  return result instanceof Serialized
    ? new Serialized(`{"id":${id},"ok":true,"result":${result.json}}`)
    : { id, ok: true, result };
}

import { type FsyncPolicy, LogStore } from './storage.ts';
import { merge, sameVersions, type Version } from './vclock.ts';

const SEP = '\u0000';

export interface HintStats {
  /** Hinted keys held for owners that have not had them yet. */
  pending: number;
  /** Hints found in the log at this start (taken before a restart). */
  recovered: number;
  /** Hints begun since this start: a key taken for an unreachable owner that had none pending. */
  created: number;
  /** Hints handed to their owner and deleted since this start. */
  delivered: number;
}

/**
 * The versions a node holds for other nodes (hinted handoff): written when
 * this node stood in for an unreachable replica of a key, kept apart from
 * its own data in a log of their own, as durable as its data, and deleted
 * once the owner has them. In memory, also indexed by key, so a stand-in
 * answers reads of a key with the hints it holds for it.
 */
export class HintStore {
  private readonly owners = new Map<string, Set<string>>();
  private created = 0;
  private delivered = 0;
  private readonly recovered: number;

  // recovered + created = delivered + pending, always.
  private constructor(private readonly log: LogStore) {
    for (const id of log.keys()) {
      const [owner, key] = split(id);
      this.index(owner, key);
    }
    this.recovered = log.size;
  }

  static async open(dir: string, fsync: FsyncPolicy, fsyncIntervalMs: number): Promise<HintStore> {
    return new HintStore(await LogStore.open(dir, { fsync, fsyncIntervalMs }, 'hints.log'));
  }

  /** Keeps `versions` of `key` for `owner`, merged with what was held for it. */
  async add(owner: string, key: string, versions: Version[]): Promise<void> {
    const id = owner + SEP + key;
    const held = this.log.get(id);
    const merged = merge(held, versions);
    if (held.length > 0 && sameVersions(merged, held)) return;
    if (held.length === 0) this.created++;
    this.index(owner, key);
    await this.log.put(id, merged);
  }

  /** Every version of `key` held for any owner. */
  of(key: string): Version[] {
    let versions: Version[] = [];
    for (const owner of this.owners.get(key) ?? []) {
      versions = merge(versions, this.log.get(owner + SEP + key));
    }
    return versions;
  }

  /** The owners this node holds hints for, each with its keys. */
  byOwner(): Map<string, string[]> {
    const result = new Map<string, string[]>();
    for (const [key, owners] of this.owners) {
      for (const owner of owners) {
        const keys = result.get(owner) ?? [];
        keys.push(key);
        result.set(owner, keys);
      }
    }
    return result;
  }

  get(owner: string, key: string): Version[] {
    return this.log.get(owner + SEP + key);
  }

  /**
   * The owner has acknowledged `sent`: the hint goes, unless a write for it
   * arrived meanwhile (then the merge stays, for the next handoff round).
   */
  async handedOff(owner: string, key: string, sent: Version[]): Promise<boolean> {
    const id = owner + SEP + key;
    if (!sameVersions(this.log.get(id), sent)) return false;
    const owners = this.owners.get(key);
    owners?.delete(owner);
    if (owners?.size === 0) this.owners.delete(key);
    this.delivered++;
    await this.log.delete(id);
    return true;
  }

  stats(): HintStats {
    return {
      pending: this.log.size,
      recovered: this.recovered,
      created: this.created,
      delivered: this.delivered,
    };
  }

  close(): Promise<void> {
    return this.log.close();
  }

  private index(owner: string, key: string): void {
    const owners = this.owners.get(key) ?? new Set<string>();
    owners.add(owner);
    this.owners.set(key, owners);
  }
}

function split(id: string): [string, string] {
  const at = id.indexOf(SEP);
  return [id.slice(0, at), id.slice(at + 1)];
}

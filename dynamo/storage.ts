import { once } from 'node:events';
import { createReadStream, writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Version } from './vclock.ts';

/**
 * When a write counts as durable:
 * - always:   fdatasync before the write is acknowledged (group commit: all
 *             writes waiting at that moment share one fdatasync);
 * - interval: written to the file (survives kill -9, not power loss) at
 *             acknowledgement, fdatasync every `fsyncIntervalMs`;
 * - never:    written to the file, syncing left to the kernel.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface StorageOptions {
  fsync: FsyncPolicy;
  fsyncIntervalMs?: number;
  /**
   * How the versions a write brought join a key's stored ones: replaying a
   * log of `merge` records needs the same join the node applied.
   */
  join?: (stored: readonly Version[], added: readonly Version[]) => Version[];
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * One line of the log: a key's whole sibling set (`v`), the versions a
 * write brought, to be joined with what the key held (`m`), or its
 * removal (`d`).
 */
interface LogRecord {
  k: string;
  v?: Version[];
  m?: Version[];
  /** Set when the key was removed (a hint handed off). */
  d?: 1;
}

/**
 * A node's durable store: an append-only JSONL log, replayed into memory at
 * start (a whole set replaces a key's, a write's versions join it). A torn last line,
 * left by a kill in the middle of a write, is cut off at open. The log is
 * compacted at open when it holds far more records than keys.
 */
export class LogStore {
  private readonly data = new Map<string, Version[]>();
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  /** Written, waiting for a sync (`always`). */
  private unsynced: Waiter[] = [];
  private syncing: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private file!: FileHandle;

  private constructor(
    readonly path: string,
    private readonly options: StorageOptions,
  ) {}

  static async open(dir: string, options: StorageOptions, file = 'data.log'): Promise<LogStore> {
    await mkdir(dir, { recursive: true });
    const store = new LogStore(join(dir, file), options);
    const records = await store.replay();
    if (records > 10_000 && records > 4 * store.data.size) await store.compact();
    store.file = await open(store.path, 'a');
    if (options.fsync === 'interval') {
      store.timer = setInterval(() => void store.syncIfDirty(), options.fsyncIntervalMs ?? 200);
      store.timer.unref();
    }
    return store;
  }

  get(key: string): Version[] {
    return this.data.get(key) ?? [];
  }

  keys(): IterableIterator<string> {
    return this.data.keys();
  }

  get size(): number {
    return this.data.size;
  }

  /**
   * Replaces a key's sibling set. Memory changes at once (so the next write
   * of the key on this node sees it); the promise resolves when the record is
   * as durable as the fsync policy asks.
   */
  put(key: string, versions: Version[]): Promise<void> {
    this.data.set(key, versions);
    return this.append({ k: key, v: versions });
  }

  /**
   * Like `put`, where `versions` is the key's stored set joined with
   * `added`: only `added` is logged, and replay joins it again. A key's
   * sibling set can be many versions while a write brings one (about five
   * under write-heavy blind updates, measured), so the log stays that many
   * times smaller.
   */
  putJoined(key: string, versions: Version[], added: Version[]): Promise<void> {
    if (!this.options.join) throw new Error('putJoined needs the join option');
    this.data.set(key, versions);
    return this.append({ k: key, m: added });
  }

  private append(record: LogRecord): Promise<void> {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(`${JSON.stringify(record)}\n`);
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Removes a key, as durably as `put` stores one. */
  delete(key: string): Promise<void> {
    this.data.delete(key);
    return this.append({ k: key, d: 1 });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.flush();
    while (this.syncing) await this.syncing;
    await this.file.datasync().catch(() => {});
    await this.file.close();
  }

  /**
   * Writes the records of one event-loop turn in one write, on the event
   * loop, as Redis writes its AOF: the page cache takes it in microseconds,
   * where a write through the thread pool cost a round trip per batch and
   * kept batches small (a quarter of write-heavy throughput, measured).
   * Syncing, which can take milliseconds, stays off the loop.
   */
  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending.join('');
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      writeAll(this.file.fd, batch);
    } catch (error) {
      for (const w of waiters) w.reject(error as Error);
      return;
    }
    if (this.options.fsync !== 'always') {
      this.dirty = true;
      for (const w of waiters) w.resolve();
      return;
    }
    this.unsynced.push(...waiters);
    this.syncing ??= this.syncAll().finally(() => {
      this.syncing = undefined;
    });
  }

  /** Group commit: every write waiting when a sync starts shares it. */
  private async syncAll(): Promise<void> {
    while (this.unsynced.length > 0) {
      const waiters = this.unsynced;
      this.unsynced = [];
      try {
        await this.file.datasync();
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error as Error);
      }
    }
  }

  private async syncIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.file.datasync().catch(() => {
      this.dirty = true;
    });
  }

  private join(stored: readonly Version[], added: readonly Version[]): Version[] {
    if (!this.options.join) throw new Error(`${this.path} holds merge records: open it with join`);
    return this.options.join(stored, added);
  }

  /** Loads the log; returns how many records it held. */
  private async replay(): Promise<number> {
    const exists = await stat(this.path).catch(() => undefined);
    if (!exists) return 0;
    let records = 0;
    let goodBytes = 0;
    let torn = false;
    const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
    for await (const line of lines) {
      let record: LogRecord;
      try {
        record = JSON.parse(line) as LogRecord;
      } catch {
        // Only the last line can be torn (appends are sequential); anything
        // after it would be a second write that never started.
        torn = true;
        break;
      }
      if (record.d) this.data.delete(record.k);
      else if (record.m) this.data.set(record.k, this.join(this.get(record.k), record.m));
      else this.data.set(record.k, record.v ?? []);
      records++;
      goodBytes += Buffer.byteLength(line) + 1;
    }
    if (torn || goodBytes < exists.size) await truncate(this.path, goodBytes);
    // A complete last record whose newline never reached the file: finish the
    // line so the next append does not glue onto it.
    if (goodBytes > exists.size) {
      const fh = await open(this.path, 'a');
      await fh.write('\n');
      await fh.close();
    }
    return records;
  }

  private async compact(): Promise<void> {
    const tmp = `${this.path}.compact`;
    const out = await open(tmp, 'w');
    const stream = out.createWriteStream();
    for (const [k, v] of this.data) {
      if (!stream.write(`${JSON.stringify({ k, v } satisfies LogRecord)}\n`)) {
        await once(stream, 'drain');
      }
    }
    await new Promise<void>((resolve) => stream.end(resolve));
    const sync = await open(tmp, 'r+');
    await sync.datasync();
    await sync.close();
    await rename(tmp, this.path);
  }
}

/** A write to a regular file may take less than asked (a full disk, a signal): finish it. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

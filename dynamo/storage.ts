import { once } from 'node:events';
import { createReadStream } from 'node:fs';
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
}

/** One line of the log: the whole sibling set of a key after a change, or its removal. */
interface LogRecord {
  k: string;
  v?: Version[];
  /** Set when the key was removed (a hint handed off). */
  d?: 1;
}

/**
 * A node's durable store: an append-only JSONL log of sibling sets, replayed
 * into memory at start (the last record of a key wins). A torn last line,
 * left by a kill in the middle of a write, is cut off at open. The log is
 * compacted at open when it holds far more records than keys.
 */
export class LogStore {
  private readonly data = new Map<string, Version[]>();
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing = false;
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

  private append(record: LogRecord): Promise<void> {
    this.pending.push(`${JSON.stringify(record)}\n`);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) void this.flush();
    return done;
  }

  /** Removes a key, as durably as `put` stores one. */
  delete(key: string): Promise<void> {
    this.data.delete(key);
    return this.append({ k: key, d: 1 });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.flushing || this.pending.length > 0) {
      if (!this.flushing) await this.flush();
      else await new Promise((r) => setTimeout(r, 5));
    }
    await this.file.datasync().catch(() => {});
    await this.file.close();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.join('');
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          await this.file.write(batch);
          if (this.options.fsync === 'always') await this.file.datasync();
          else this.dirty = true;
          for (const w of waiters) w.resolve();
        } catch (error) {
          for (const w of waiters) w.reject(error as Error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async syncIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.file.datasync().catch(() => {
      this.dirty = true;
    });
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
      if (torn) break;
      try {
        const record = JSON.parse(line) as LogRecord;
        if (record.d) this.data.delete(record.k);
        else this.data.set(record.k, record.v ?? []);
        records++;
        goodBytes += Buffer.byteLength(line) + 1;
      } catch {
        // Only the last line can be torn (appends are sequential); anything
        // after it would be a second write that never started.
        torn = true;
      }
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

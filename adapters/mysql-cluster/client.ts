import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Client, Completion, Invocation, NodeHandle } from '../types.ts';
import { ReadPartFailed, readPart } from '../worker-client.ts';
import { clientConnection } from './admin.ts';
import { type MysqlSettings, sqlIsolation } from './settings.ts';

/** Where a worker's statements go: its own node (Galera), or the primary now (the async pair). */
export interface SqlRouter {
  readonly nodes: readonly NodeHandle[];
  route(pinned: NodeHandle): NodeHandle;
}

type Row = RowDataPacket & Record<string, unknown>;

/**
 * What a MariaDB row's clients share: mysql2, one connection at a time (a
 * worker runs one operation at a time) to where the router sends it, and
 * real transactions at the configured isolation level. Every workload is
 * plain SQL on the tables of schema.ts.
 */
abstract class MysqlWorker implements Client {
  /** Open connections by target node id (the route and the pinned node's own copy). */
  private readonly connections = new Map<string, Connection>();

  constructor(
    private readonly router: SqlRouter,
    private readonly node: NodeHandle,
    private readonly settings: MysqlSettings,
  ) {}

  async invoke(op: Invocation): Promise<Completion> {
    const local = op.final === 'replica' || op.replica === true;
    const target = local ? this.node : this.router.route(this.node);
    let connection: Connection;
    try {
      connection = await this.connection(target);
    } catch (error) {
      // Nothing was sent.
      return { type: 'fail', error: messageOf(error) };
    }
    const progress: Progress = { committing: false };
    try {
      return await this.serve(connection, op, progress);
    } catch (error) {
      if (!isServerError(error)) this.drop(target.id);
      return completionOf(op, error, progress);
    }
  }

  private async connection(target: NodeHandle): Promise<Connection> {
    const open = this.connections.get(target.id);
    if (open) return open;
    // One connection per worker: drop the one to a former route (a promoted replica).
    for (const id of this.connections.keys()) if (id !== this.node.id) this.drop(id);
    const connection = await clientConnection(
      target,
      this.node.clientAddress,
      this.settings.clientTimeoutMs,
    );
    connection.on('error', () => this.drop(target.id));
    await connection.query(
      `SET SESSION TRANSACTION ISOLATION LEVEL ${sqlIsolation(this.settings.isolation)}`,
    );
    this.connections.set(target.id, connection);
    return connection;
  }

  private drop(id: string): void {
    this.connections.get(id)?.destroy();
    this.connections.delete(id);
  }

  protected abstract serve(c: Connection, op: Invocation, progress: Progress): Promise<Completion>;

  /**
   * BEGIN … COMMIT. The body returns the ok value, or a string: a reason to
   * roll back (a definite failure). Until COMMIT is sent any error leaves
   * nothing applied (the server rolls back an open transaction whose
   * connection drops); `progress` tells completionOf when COMMIT was sent.
   */
  protected async transaction(
    c: Connection,
    progress: Progress,
    body: () => Promise<unknown>,
  ): Promise<Completion> {
    await c.query('START TRANSACTION');
    let value: unknown;
    try {
      value = await body();
    } catch (error) {
      await c.query('ROLLBACK').catch(() => {});
      throw error;
    }
    if (typeof value === 'string') {
      await c.query('ROLLBACK');
      return { type: 'fail', error: value };
    }
    progress.committing = true;
    await c.query({ sql: 'COMMIT', timeout: this.settings.clientTimeoutMs });
    return { type: 'ok', value };
  }

  protected async rows(c: Connection, sql: string, values: unknown[]): Promise<Row[]> {
    const [rows] = await c.query<Row[]>({ sql, values, timeout: this.settings.clientTimeoutMs });
    return rows;
  }

  protected async exec(c: Connection, sql: string, values: unknown[]): Promise<ResultSetHeader> {
    const [result] = await c.query<ResultSetHeader>({
      sql,
      values,
      timeout: this.settings.clientTimeoutMs,
    });
    return result;
  }

  /** Galera and the pair keep every row on every node. */
  async replicasOf(): Promise<string[]> {
    return this.router.nodes.map((n) => n.id);
  }

  async close(): Promise<void> {
    for (const id of [...this.connections.keys()]) this.drop(id);
  }
}

/** Records and registers: a row each; cas is a conditional statement. */
export class MysqlKvClient extends MysqlWorker {
  protected async serve(c: Connection, op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    switch (op.f) {
      case 'read': {
        const rows = await this.rows(c, 'SELECT v FROM kv WHERE k = ?', [key]);
        return { type: 'ok', value: rows[0] ? JSON.parse(String(rows[0].v)) : null };
      }
      case 'rmw':
        await readPart(this.rows(c, 'SELECT v FROM kv WHERE k = ?', [key]));
        await this.upsert(c, key, op.value);
        return { type: 'ok', value: op.value };
      case 'write':
      case 'insert':
      case 'update':
        await this.upsert(c, key, op.value);
        return { type: 'ok', value: op.value };
      case 'cas': {
        // A conditional statement, atomic on its row; FOUND_ROWS (mysql2's
        // default) counts a matched row even when the value is unchanged.
        const [expected, next] = op.value as [unknown, unknown];
        const result =
          expected === null
            ? await this.exec(c, 'INSERT IGNORE INTO kv (k, v) VALUES (?, ?)', [
                key,
                JSON.stringify(next),
              ])
            : await this.exec(c, 'UPDATE kv SET v = ? WHERE k = ? AND v = ?', [
                JSON.stringify(next),
                key,
                JSON.stringify(expected),
              ]);
        return result.affectedRows > 0
          ? { type: 'ok', value: op.value }
          : { type: 'fail', error: 'cas: expected value not found' };
      }
      default:
        return unsupported(op);
    }
  }

  private async upsert(c: Connection, key: string, value: unknown): Promise<void> {
    await this.exec(
      c,
      'INSERT INTO kv (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)',
      [key, JSON.stringify(value)],
    );
  }
}

/** A set as a row per element. */
export class MysqlSetClient extends MysqlWorker {
  protected async serve(c: Connection, op: Invocation): Promise<Completion> {
    if (op.f === 'add') {
      await this.exec(c, 'INSERT IGNORE INTO sets (k, e) VALUES (?, ?)', [op.key, op.value]);
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return unsupported(op);
    const rows = await this.rows(c, 'SELECT e FROM sets WHERE k = ? ORDER BY e', [op.key]);
    return { type: 'ok', value: rows.map((r) => Number(r.e)) };
  }
}

/** A counter as a row grown by `n = n + ?`. */
export class MysqlCounterClient extends MysqlWorker {
  protected async serve(c: Connection, op: Invocation): Promise<Completion> {
    if (op.f === 'add') {
      await this.exec(
        c,
        'INSERT INTO counters (k, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)',
        [op.key, op.value],
      );
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return unsupported(op);
    const rows = await this.rows(c, 'SELECT n FROM counters WHERE k = ?', [op.key]);
    return { type: 'ok', value: Number(rows[0]?.n ?? 0) };
  }
}

/** The bank: a transfer and a read of every balance, each one transaction. */
export class MysqlBankClient extends MysqlWorker {
  protected async serve(c: Connection, op: Invocation, progress: Progress): Promise<Completion> {
    if (op.f === 'write') {
      await this.exec(
        c,
        'INSERT INTO accounts (k, balance) VALUES (?, ?) ON DUPLICATE KEY UPDATE balance = VALUES(balance)',
        [op.key, op.value],
      );
      return { type: 'ok', value: op.value };
    }
    if (op.f === 'transfer') {
      const { from, to, amount } = op.value as { from: string; to: string; amount: number };
      return this.transaction(c, progress, async () => {
        const rows = await this.rows(c, 'SELECT balance FROM accounts WHERE k = ? FOR UPDATE', [
          from,
        ]);
        if (Number(rows[0]?.balance ?? 0) < amount) return 'insufficient funds';
        await this.exec(c, 'UPDATE accounts SET balance = balance - ? WHERE k = ?', [amount, from]);
        await this.exec(c, 'UPDATE accounts SET balance = balance + ? WHERE k = ?', [amount, to]);
        return op.value;
      });
    }
    if (op.f !== 'read') return unsupported(op);
    // Every balance in one transaction: the workload passes the accounts in `value`.
    const accounts = op.value as string[];
    return this.transaction(c, progress, async () => {
      const rows = await this.rows(c, 'SELECT k, balance FROM accounts WHERE k IN (?)', [accounts]);
      const balances = new Map(rows.map((r) => [String(r.k), Number(r.balance)]));
      return Object.fromEntries(accounts.map((a) => [a, balances.get(a) ?? 0]));
    });
  }
}

/** Elle's micro-ops in one transaction; lists are comma-separated text. */
export class MysqlListAppendClient extends MysqlWorker {
  protected serve(c: Connection, op: Invocation, progress: Progress): Promise<Completion> {
    if (op.f !== 'txn') return Promise.resolve(unsupported(op));
    const micro = op.value as [string, string, unknown][];
    return this.transaction(c, progress, async () => {
      const done: unknown[] = [];
      for (const [f, k, v] of micro) {
        if (f === 'append') {
          await this.exec(
            c,
            "INSERT INTO lists (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = CONCAT(v, ',', VALUES(v))",
            [k, String(v)],
          );
          done.push([f, k, v]);
        } else {
          const rows = await this.rows(c, 'SELECT v FROM lists WHERE k = ?', [k]);
          const text = rows[0] ? String(rows[0].v) : '';
          done.push([f, k, text === '' ? [] : text.split(',').map(Number)]);
        }
      }
      return done;
    });
  }
}

function unsupported(op: Invocation): Completion {
  return { type: 'fail', error: `unsupported operation ${op.f}` };
}

interface Progress {
  /** COMMIT has been sent: from here a lost answer leaves the outcome unknown. */
  committing: boolean;
}

/**
 * Server errors whose statement may still have taken effect: 1180, an error
 * during COMMIT (Galera returns it when the node leaves the primary
 * component while committing).
 */
const INDEFINITE_SERVER_ERRORS = new Set([1180]);

/**
 * NDB's errors reach the client inside mysqld's 1296 ("Got error N … from
 * NDBCLUSTER") and 1297 ("Got temporary error N …"). Most say the
 * transaction was aborted (4010 node failure, 266 lock wait, 4009 cluster
 * failure); these are NDB's "unknown result" class, after which the
 * transaction may have committed: 4008 receive from NDB failed, 4012
 * request time-out, 4115 committed but not every read arrived.
 */
const NDB_UNKNOWN_RESULT = new Set([4008, 4012, 4115]);
const NDB_WRAPPERS = new Set([1296, 1297]);

/** The NDB error code inside mysqld's 1296/1297, if it is one. */
export function ndbErrorCode(error: { errno?: number; message?: string }): number | undefined {
  if (!NDB_WRAPPERS.has(error.errno ?? 0)) return undefined;
  const code = /error (\d+) .*from NDBCLUSTER/i.exec(error.message ?? '')?.[1];
  return code === undefined ? undefined : Number(code);
}

function isServerError(error: unknown): boolean {
  return typeof (error as { sqlState?: unknown }).sqlState === 'string';
}

function messageOf(error: unknown): string {
  const e = error as { errno?: number; code?: string; message?: string };
  const text = e.message ?? String(error);
  return e.errno && e.code && !text.includes(e.code) ? `${e.code} (${e.errno}): ${text}` : text;
}

/**
 * fail = certainly not applied: any error of a read, a server error the
 * statement was refused with (1047 WSREP not ready, 1213 deadlock or
 * certification failure, 1290 read-only), a transaction that failed before
 * its COMMIT was sent. A lost connection or a timeout after a write or a
 * COMMIT was sent may have applied: info.
 */
export function completionOf(op: Invocation, error: unknown, progress: Progress): Completion {
  const cause = error instanceof ReadPartFailed ? error.cause : error;
  const message = messageOf(cause);
  const readOnly =
    op.f === 'read' ||
    error instanceof ReadPartFailed ||
    (op.f === 'txn' && (op.value as [string][]).every(([f]) => f === 'r'));
  if (readOnly) return { type: 'fail', error: message };
  const transactional = op.f === 'txn' || op.f === 'transfer';
  if (isServerError(cause)) {
    const errno = (cause as { errno?: number }).errno ?? 0;
    const ndb = ndbErrorCode(cause as { errno?: number; message?: string });
    const indefinite =
      INDEFINITE_SERVER_ERRORS.has(errno) || (ndb !== undefined && NDB_UNKNOWN_RESULT.has(ndb));
    return { type: indefinite ? 'info' : 'fail', error: message };
  }
  if (transactional && !progress.committing) return { type: 'fail', error: message };
  return { type: 'info', error: message };
}

import { connect } from 'node:net';
import mysql from 'mysql2/promise';
import type { NodeHandle } from '../types.ts';
import { CLIENT_USER, DATABASE } from './schema.ts';

/**
 * Runs statements as root over the node's unix socket: the harness's own
 * administration, which partitions (by address) do not touch.
 */
export async function adminQuery<T = Record<string, unknown>>(
  socket: string,
  statements: string | readonly string[],
  timeoutMs = 3000,
): Promise<T[]> {
  const connection = await mysql.createConnection({
    socketPath: socket,
    user: 'root',
    connectTimeout: timeoutMs,
  });
  try {
    let rows: unknown = [];
    for (const sql of typeof statements === 'string' ? [statements] : statements)
      [rows] = await connection.query({ sql, timeout: timeoutMs });
    return rows as T[];
  } finally {
    connection.destroy();
  }
}

/** `SHOW STATUS LIKE pattern` as a map. */
export async function statusOf(socket: string, pattern: string): Promise<Map<string, string>> {
  const rows = await adminQuery<{ Variable_name: string; Value: string }>(
    socket,
    `SHOW GLOBAL STATUS LIKE '${pattern}'`,
  );
  return new Map(rows.map((r) => [r.Variable_name, r.Value]));
}

/**
 * A connection of the workers' account to `target`, leaving from
 * `sourceAddress` (mysql2 ignores `localAddress`, so the socket is ours):
 * a partition by address then cuts the client with its node.
 */
export function clientConnection(
  target: NodeHandle,
  sourceAddress: string,
  timeoutMs: number,
): Promise<mysql.Connection> {
  return mysql.createConnection({
    user: CLIENT_USER,
    database: DATABASE,
    connectTimeout: timeoutMs,
    stream: () => connect({ host: target.host, port: target.port, localAddress: sourceAddress }),
  });
}

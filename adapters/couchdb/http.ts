import type { NodeHandle } from '../types.ts';

export const DATABASE = 'faultline';

export const baseUrl = (node: NodeHandle) => `http://${node.host}:${node.port}`;

/**
 * The harness's own requests to a node (setup, settling): from 127.0.0.1,
 * which partitions by address leave alone. Throws on an HTTP error.
 */
export async function admin<T = unknown>(
  node: NodeHandle,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 3000,
): Promise<T> {
  const response = await fetch(`${baseUrl(node)}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} on ${node.id}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

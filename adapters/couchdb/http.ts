import type { NodeHandle } from '../types.ts';

export const DATABASE = 'faultline';

/** An account every request carries (Apache CouchDB 3 answers admins only); PouchDB's server needs none. */
export interface CouchAuth {
  user: string;
  password: string;
}

export const baseUrl = (node: NodeHandle, auth?: CouchAuth) =>
  `http://${auth ? `${auth.user}:${auth.password}@` : ''}${node.host}:${node.port}`;

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
  auth?: CouchAuth,
): Promise<T> {
  // Accept JSON: GET with open_revs answers multipart otherwise.
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (auth)
    headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  const response = await fetch(`${baseUrl(node)}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok)
    throw new CouchHttpError(
      `${method} ${path} on ${node.id}: ${response.status} ${text}`,
      response.status,
    );
  return JSON.parse(text) as T;
}

/** An HTTP error status from a node, with the status as nano's errors carry it. */
export class CouchHttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'CouchHttpError';
  }
}

/** `request`'s answer, or `missing` when the node answers 404 (no such document). */
export async function unlessMissing<T>(request: Promise<T>, missing: T): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof CouchHttpError && error.statusCode === 404) return missing;
    throw error;
  }
}

import { connect, type Socket } from 'node:net';
import {
  DynamoError,
  lineReader,
  lineWriter,
  type Request,
  type Response,
  Serialized,
} from './protocol.ts';

export interface ConnectionOptions {
  host: string;
  port: number;
  /**
   * Source address of the connection. Nodes and workers bind their own
   * loopback address so a partition by address cuts their traffic too.
   */
  localAddress?: string;
  connectTimeoutMs?: number;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: DynamoError) => void;
  timer: NodeJS.Timeout;
}

/**
 * One multiplexed connection to a node, reconnected lazily on the next
 * request after a failure. Distinguishes "never sent" (definite failure)
 * from "sent, no answer" (unknown outcome): a request is only written once
 * the socket is connected, so a failed connect proves it never left.
 */
export class Connection {
  private socket: Socket | undefined;
  /** Writes to `socket`, a turn's requests in one write. */
  private send: ((message: object | Serialized) => void) | undefined;
  private connecting: Promise<Link> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  /** When the socket last delivered anything (ms). */
  private lastHeard = 0;

  constructor(readonly options: ConnectionOptions) {}

  /** Sends a request (or one already in JSON, an object) and resolves with its result. */
  request<T>(body: Request | Serialized, timeoutMs: number): Promise<T> {
    if (this.closed)
      return Promise.reject(new DynamoError('unreachable', 'connection closed', true));
    // Connected: send in this turn, without a turn of the microtask queue
    // per request (three requests per op when the client coordinates).
    if (this.socket && !this.socket.destroyed && this.send)
      return this.sendOver<T>({ socket: this.socket, send: this.send }, body, timeoutMs);
    return this.ensureConnected().then((link) => this.sendOver<T>(link, body, timeoutMs));
  }

  private sendOver<T>(
    { socket, send }: Link,
    body: Request | Serialized,
    timeoutMs: number,
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new DynamoError('timeout', `no answer from ${this.address} in ${timeoutMs} ms`, false),
        );
        // A socket silent for a whole timeout is presumed dead (a cut link
        // leaves it open, and after the heal TCP's backed-off retransmits
        // would hold every request for seconds): the next request reconnects.
        if (this.socket === socket && Date.now() - this.lastHeard >= timeoutMs) socket.destroy();
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject, timer });
      send(
        body instanceof Serialized
          ? new Serialized(`{"id":${id},${body.json.slice(1)}`)
          : { ...body, id },
      );
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.failAll(new DynamoError('connection-lost', 'connection closed by the client', false));
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  private ensureConnected(): Promise<Link> {
    if (this.socket && !this.socket.destroyed && this.send)
      return Promise.resolve({ socket: this.socket, send: this.send });
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<Link>((resolve, reject) => {
      const { host, port, localAddress } = this.options;
      const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DynamoError('unreachable', `connect to ${this.address} timed out`, true));
      }, this.options.connectTimeoutMs ?? 1000);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.lastHeard = Date.now();
        this.socket = socket;
        this.send = lineWriter(socket);
        resolve({ socket, send: this.send });
      });
      const read = lineReader((message) => this.onResponse(message as Response));
      socket.on('data', (chunk: Buffer) => {
        this.lastHeard = Date.now();
        read(chunk);
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(new DynamoError('unreachable', `${this.address}: ${error.message}`, true));
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
        this.failAll(
          new DynamoError('connection-lost', `connection to ${this.address} lost`, false),
        );
      });
    }).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private onResponse(response: Response): void {
    const pending = this.pending.get(response.id);
    if (!pending) return; // answered after its timeout
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.result);
    else {
      const { code, message, definite } = response.error;
      pending.reject(new DynamoError(code, message, definite));
    }
  }

  private failAll(error: DynamoError): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
  }
}

interface Link {
  socket: Socket;
  send: (message: object | Serialized) => void;
}

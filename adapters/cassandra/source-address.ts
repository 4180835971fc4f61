import { createRequire } from 'node:module';
import net from 'node:net';

/**
 * The DataStax driver opens its sockets with `socket.connect(port, host)`
 * and has no option for a source address. Once, process-wide, its
 * connection's `open` is wrapped: for a client created with
 * `faultlineSourceAddress` among its options, the one `connect` that `open`
 * makes synchronously gets `localAddress`. Other clients, and every other
 * socket of the process, are left alone.
 */
let patched = false;

export function bindDriverSockets(): void {
  if (patched) return;
  patched = true;
  const require = createRequire(import.meta.url);
  const Connection = require('cassandra-driver/lib/connection') as {
    prototype: { open: (callback: unknown) => unknown };
  };
  const open = Connection.prototype.open;
  Connection.prototype.open = function (this: { options: Record<string, unknown> }, callback) {
    const source = this.options.faultlineSourceAddress;
    if (typeof source !== 'string') return open.call(this, callback);
    const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      const [port, host, listener] = args as [number, string, () => void];
      return connect.call(this, { port, host, localAddress: source }, listener);
    } as typeof net.Socket.prototype.connect;
    try {
      return open.call(this, callback);
    } finally {
      net.Socket.prototype.connect = connect as typeof net.Socket.prototype.connect;
    }
  };
}

import { createRequire } from 'node:module';
import { createConnection, type Socket } from 'node:net';
import type StandaloneModule from 'ioredis/built/connectors/StandaloneConnector.js';

type StandaloneConnectorClass = typeof StandaloneModule.default;
const require = createRequire(import.meta.url);
const { default: StandaloneConnector } =
  require('ioredis/built/connectors/StandaloneConnector.js') as {
    default: StandaloneConnectorClass;
  };

/**
 * An ioredis connector whose sockets leave from `localAddress`. ioredis
 * ignores a `localAddress` option, and a client that does not bind leaves
 * from 127.0.0.1, which a partition by address would not cut: the worker's
 * connections must come from its node's client address.
 */
export function boundConnector(localAddress: string): StandaloneConnectorClass {
  return class BoundConnector extends StandaloneConnector {
    override connect(): Promise<Socket> {
      this.connecting = true;
      const { host, port } = this.options as { host?: string; port?: number };
      return new Promise((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) {
            reject(new Error('Connection is closed.'));
            return;
          }
          const stream = createConnection({ host, port: port ?? 6379, localAddress });
          this.stream = stream;
          stream.once('error', (error) => {
            this.firstError = error;
          });
          resolve(stream);
        });
      });
    }
  };
}

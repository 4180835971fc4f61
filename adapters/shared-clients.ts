/**
 * Clients shared by the workers of a run that talk to one node from one
 * address: a system's client multiplexes many requests on one connection,
 * so 32 workers need not open 32 (nor their handshakes and buffers). A
 * client is made by the first worker that asks for it and closed when the
 * last one lets it go. The key names everything the client is made of
 * (where it connects from and to, its timeouts), so workers that differ in
 * any of it never share.
 */
export class SharedClients<C> {
  private readonly shared = new Map<string, { client: C; users: number }>();

  constructor(private readonly close: (client: C) => void) {}

  acquire(key: string, create: () => C): C {
    const entry = this.shared.get(key);
    if (entry) {
      entry.users++;
      return entry.client;
    }
    const client = create();
    this.shared.set(key, { client, users: 1 });
    return client;
  }

  release(key: string): void {
    const entry = this.shared.get(key);
    if (!entry || --entry.users > 0) return;
    this.shared.delete(key);
    this.close(entry.client);
  }

  /** Clients open now (for tests). */
  get size(): number {
    return this.shared.size;
  }
}

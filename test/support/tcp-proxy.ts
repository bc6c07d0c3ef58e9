import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the app and a real PostgreSQL or Redis, for fault tests: `cut()` breaks the link the way
 * an outage does, `restore()` mends it. Two kinds of cut:
 * - `reset`: every open connection is destroyed (the peer sees ECONNRESET) and new ones are refused, like a
 *   crashed or restarting server;
 * - `blackhole`: open connections stay up but nothing crosses them any more, and new connections are
 *   accepted and never answered, like a partition or a dropped route: only timeouts notice.
 * Bound to 127.0.0.1 only.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<{ client: Socket; upstream?: Socket }>();
  private mode: 'open' | 'reset' | 'blackhole' = 'open';
  /** Connections accepted since the proxy started (a reconnecting client shows up here). */
  accepted = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    private listenPort: number,
  ) {}

  /** Starts a proxy to host:port on a free local port (or the given one). */
  static async start(target: { host: string; port: number }, listenPort = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port, listenPort);
    await proxy.listen();
    return proxy;
  }

  /** The port the app should connect to. */
  get port(): number {
    return this.listenPort;
  }

  /** `url` with its host and port replaced by this proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.listenPort);
    return u.toString();
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  /** Breaks the link: see the class comment for the two kinds. */
  async cut(kind: 'reset' | 'blackhole' = 'reset'): Promise<void> {
    this.mode = kind;
    if (kind === 'reset') {
      for (const pair of this.pairs) {
        pair.client.resetAndDestroy();
        pair.upstream?.destroy();
      }
      this.pairs.clear();
      await this.closeListener();
    } else {
      for (const pair of this.pairs) {
        pair.client.pause();
        pair.upstream?.pause();
        pair.client.unpipe();
        pair.upstream?.unpipe();
      }
    }
  }

  /** Mends the link: new connections go through again. Connections held by a blackhole are dropped. */
  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = 'open';
    if (was === 'blackhole') {
      for (const pair of this.pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      this.pairs.clear();
    }
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    this.pairs.clear();
    await this.closeListener();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    server.listen(this.listenPort, '127.0.0.1');
    await once(server, 'listening');
    this.listenPort = (server.address() as { port: number }).port;
    this.server = server;
  }

  private async closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    const pair: { client: Socket; upstream?: Socket } = { client };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', drop).on('close', drop);
    if (this.mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    pair.upstream = upstream;
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

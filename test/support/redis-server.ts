import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { createClient } from 'redis';

type RedisClientType = ReturnType<typeof createClient>;

/** A port nothing listens on right now (the OS picks it; released before returning). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A throwaway redis-server of a test's own (never the shared one), without persistence, so it can be
 * stopped, flushed and restarted mid-test. Bound to 127.0.0.1.
 */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  /** Starts one on `port`, or on a free port. */
  static async start(port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()));
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it again on the same port, empty; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.running) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Kills it (SIGKILL, like a crash) and waits for the process to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.end();
      resolve(true);
    }).on('error', () => resolve(false));
  });
}

export interface SuiteRedis {
  /** The server itself (to stop, restart or flush it). */
  readonly server: RedisServer;
  readonly url: string;
  /** A client of the test's own on it, for reading and flushing what the app stored. */
  readonly admin: RedisClientType;
  /** Closes the client and kills the server (if it still runs). */
  stop(): Promise<void>;
}

/**
 * A private redis-server with an admin client for the enclosing describe block, started in its beforeAll. The
 * caller stops it in an afterAll declared after the app's (jest runs afterAll hooks in declaration order), so
 * the app closes before its Redis goes away.
 */
export function redisPerSuite(): SuiteRedis {
  let server: RedisServer | undefined;
  let admin: RedisClientType | undefined;
  beforeAll(async () => {
    server = await RedisServer.start();
    admin = createClient({ url: server.url });
    // Tests stop and restart this server on purpose: the client reconnects by itself meanwhile.
    admin.on('error', () => undefined);
    await admin.connect();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite Redis is used before it started (use it inside a test or a later hook)');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get url() {
      return started(server).url;
    },
    get admin() {
      return started(admin);
    },
    async stop() {
      // destroy, not quit: the server may be down already, and nothing it holds needs to outlive the test.
      admin?.destroy();
      await server?.stop();
    },
  };
}

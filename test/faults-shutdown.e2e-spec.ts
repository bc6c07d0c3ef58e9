/**
 * SIGTERM under keep-alive load, on the real server process: 10 clients, each on its own kept-alive
 * connection, loop on GET /api/v1/config. No request on a connection opened before the signal may fail; each
 * client's next response says `Connection: close`, so its next request opens a new connection, which is
 * served during SHUTDOWN_DELAY_MS and refused after it (that client's last request).
 * Connections that stop sending are closed only after they have been idle a while; a request still arriving
 * is answered; SSE streams are told to reconnect when the drain starts; the process exits 0.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { call, ensureBuilt, startServer, type ServerProcess } from './support/server-process';
import { SseClient } from './support/sse';

jest.setTimeout(60_000);

const CLIENTS = 10;

interface Attempt {
  sentAt: number;
  /** When the connection the request went out on was opened (its first request). */
  openedAt: number;
  status?: number;
  connection?: string;
  error?: string;
}

/** One GET over `agent`, read to the end; never rejects. */
function attempt(url: string, agent: Agent, headers: Record<string, string>, opened: WeakMap<Socket, number>): Promise<Attempt> {
  return new Promise((resolve) => {
    const result: Attempt = { sentAt: Date.now(), openedAt: Date.now() };
    const req = httpRequest(url, { agent, headers }, (res) => {
      result.status = res.statusCode;
      result.connection = res.headers.connection;
      res.resume().on('end', () => resolve(result));
    });
    req.on('socket', (socket: Socket) => {
      if (!opened.has(socket)) opened.set(socket, result.sentAt);
      result.openedAt = opened.get(socket)!;
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ...result, error: err.code ?? err.message }));
    req.end();
  });
}

interface Load {
  attempts: Attempt[];
  /** Resolves when every client has stopped: refused on a new connection, or failed otherwise after the signal. */
  done: Promise<void>;
  agents: Agent[];
}

/** CLIENTS loops, each on its own kept-alive connection, until the server refuses a new connection. */
function load(url: string, sdkKey: string, signalled: () => number): Load {
  const attempts: Attempt[] = [];
  const opened = new WeakMap<Socket, number>();
  const agents = Array.from({ length: CLIENTS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const loop = async (agent: Agent) => {
    for (;;) {
      const a = await attempt(`${url}/api/v1/config`, agent, { authorization: `Bearer ${sdkKey}` }, opened);
      attempts.push(a);
      if (a.error && a.sentAt >= signalled()) return;
    }
  };
  return { attempts, agents, done: Promise.all(agents.map(loop)).then(() => undefined) };
}

interface Figures {
  servedAfterSignal: number;
  failedOnExisting: Attempt[];
  refusedNew: Attempt[];
  servedOnNew: Attempt[];
  unexpected: Attempt[];
}

function tally(attempts: Attempt[], signal: number): Figures {
  const f: Figures = { servedAfterSignal: 0, failedOnExisting: [], refusedNew: [], servedOnNew: [], unexpected: [] };
  for (const a of attempts) {
    const existing = a.openedAt < signal;
    if (a.error !== undefined) {
      if (existing) f.failedOnExisting.push(a);
      // A connection that completed its handshake into the listen backlog just before the listener closed is
      // reset by the kernel rather than refused: the server never accepted it either way.
      else if (a.error === 'ECONNREFUSED' || a.error === 'ECONNRESET') f.refusedNew.push(a);
      else f.unexpected.push(a);
    } else if (a.status !== 200) {
      f.unexpected.push(a);
    } else if (a.sentAt >= signal) {
      f.servedAfterSignal++;
      if (!existing) f.servedOnNew.push(a);
    }
  }
  return f;
}

/** A raw connection that has sent the start of a request, and the text of whatever comes back on it. */
async function partialRequest(port: number, head: string): Promise<{ socket: Socket; reply: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.setEncoding('utf8').on('data', (d: string) => (text += d));
  const reply = new Promise<string>((resolve) => {
    socket.once('close', () => resolve(text));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(`${text}[${err.code}]`));
  });
  socket.write(head);
  return { socket, reply };
}

async function setUp(server: ServerProcess): Promise<{ sdk: string; pub: string }> {
  const { url } = server;
  const { data: session } = await call(url, 'POST', '/api/v1/auth/signup', undefined, {
    email: `keepalive-${Date.now()}@example.com`,
    password: 'keepalive password',
  });
  const { data: app } = await call(url, 'POST', '/api/v1/apps', session.token, { name: 'keepalive' });
  const q = { appId: app.id, env: 'production' };
  await call(url, 'POST', '/api/v1/flags', session.token, { ...q, key: 'on', type: 'bool', value: true, clientEnabled: true });
  const { data: sdk } = await call(url, 'POST', '/api/v1/keys', session.token, { ...q, type: 'sdk' });
  const { data: pub } = await call(url, 'POST', '/api/v1/keys', session.token, { ...q, type: 'pub' });
  return { sdk: sdk.key, pub: pub.key };
}

/** Waits until every client has made a few requests on its first connection. */
async function warmedUp(attempts: Attempt[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (attempts.filter((a) => a.status === 200).length < CLIENTS * 20) {
    if (Date.now() > deadline) throw new Error(`load did not start: ${JSON.stringify(attempts.slice(-3))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function report(name: string, f: Figures, exitMs: number, extra = ''): void {
  console.log(
    `SIGTERM under keep-alive load (${name}, ${CLIENTS} clients on GET /api/v1/config): ${f.servedAfterSignal} requests served after the signal ` +
      `(${f.servedOnNew.length} on new connections), ${f.failedOnExisting.length} failed on existing connections, ` +
      `${f.refusedNew.length} refused new connections (${f.refusedNew.filter((a) => a.error === 'ECONNRESET').length} of them reset in the listen backlog), ` +
      `${f.unexpected.length} other failures, SIGTERM to exit ${exitMs} ms${extra}`,
  );
}

describe('SIGTERM under keep-alive load', () => {
  beforeAll(ensureBuilt);

  it('fails no request on an existing connection, closes idle connections only once idle, and exits 0 (SHUTDOWN_DELAY_MS=0)', async () => {
    const server = await startServer('memory://');
    try {
      const { sdk } = await setUp(server);
      // A kept-alive connection that goes quiet before the signal: closed by the server, but not at once.
      const quiet = new Agent({ keepAlive: true, maxSockets: 1 });
      const quietSocket = new Promise<Socket>((resolve) =>
        httpRequest(`${server.url}/health/live`, { agent: quiet }, (res) => res.resume())
          .on('socket', resolve)
          .end(),
      );
      const quietClosed = quietSocket.then((s) => new Promise<number>((resolve) => s.once('close', () => resolve(Date.now()))));

      let signal = Number.POSITIVE_INFINITY;
      const { attempts, done, agents } = load(server.url, sdk, () => signal);
      await warmedUp(attempts);
      // A request whose headers are still arriving when the drain starts closing idle connections.
      const arriving = await partialRequest(server.port, 'GET /api/v1/config HTTP/1.1\r\nHost: 127.0.0.1\r\n');

      signal = Date.now();
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1500));
      arriving.socket.write(`Authorization: Bearer ${sdk}\r\n\r\n`);
      const reply = await arriving.reply;
      const exit = await server.exited;
      const exitMs = Date.now() - signal;
      await done;
      agents.forEach((a) => a.destroy());

      const f = tally(attempts, signal);
      const quietMs = (await quietClosed) - signal;
      report(
        'SHUTDOWN_DELAY_MS=0',
        f,
        exitMs,
        ` (held by a request still arriving until 1500 ms; the idle connection was closed after ${quietMs} ms)`,
      );
      expect({ exit, output: exit.code === 0 ? '' : server.output() }).toEqual({ exit: { code: 0, signal: null }, output: '' });
      expect(f.failedOnExisting).toEqual([]);
      expect(f.unexpected).toEqual([]);
      // Every client got an answer after the signal, then was refused when it opened a new connection.
      expect(f.servedAfterSignal).toBeGreaterThanOrEqual(CLIENTS);
      expect(f.refusedNew.length).toBe(CLIENTS);
      // The last response on each connection says close (headers of a response already under way cannot).
      expect(attempts.filter((a) => a.sentAt >= signal + 200 && a.status === 200 && a.connection !== 'close')).toEqual([]);
      expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(reply.toLowerCase()).toContain('\r\nconnection: close\r\n');
      expect(quietMs).toBeGreaterThanOrEqual(900);
      expect(exitMs).toBeLessThan(10_000);
      expect(server.output()).toContain('"msg":"SIGTERM: readiness fails, listener closed');
      expect(server.output()).not.toMatch(/Internal server error|"level":"error"/);
      quiet.destroy();
    } finally {
      await server.kill();
    }
  });

  it('serves new connections during SHUTDOWN_DELAY_MS, refuses them after it, says reconnect to streams at once, and exits 0', async () => {
    const delay = 1500;
    const server = await startServer('memory://', { SHUTDOWN_DELAY_MS: String(delay) });
    try {
      const { sdk, pub } = await setUp(server);
      const stream = await SseClient.connect(`${server.url}/api/v1/config/stream?key=${pub}`);
      await stream.next((e) => e.event === 'config', 2000);

      let signal = Number.POSITIVE_INFINITY;
      const { attempts, done, agents } = load(server.url, sdk, () => signal);
      await warmedUp(attempts);
      signal = Date.now();
      server.child.kill('SIGTERM');

      // Streams are told to reconnect when the drain starts, not when the delay ends.
      await stream.next((e) => e.event === 'reconnect', delay / 2);
      await stream.endedWithin(delay / 2);
      const readiness = await fetch(`${server.url}/health/ready`);
      expect(readiness.status).toBe(503);
      expect(readiness.headers.get('connection')).toBe('close');
      // A stream opened during the delay gets the config, then the same `reconnect`.
      const late = await SseClient.connect(`${server.url}/api/v1/config/stream?key=${pub}`);
      await late.endedWithin(1000);
      expect({ status: late.status, events: late.events.map((e) => e.event), connection: late.headers.connection }).toEqual({
        status: 200,
        events: ['config', 'reconnect'],
        connection: 'close',
      });

      const exit = await server.exited;
      const exitMs = Date.now() - signal;
      await done;
      agents.forEach((a) => a.destroy());

      const f = tally(attempts, signal);
      report(`SHUTDOWN_DELAY_MS=${delay}`, f, exitMs);
      expect({ exit, output: exit.code === 0 ? '' : server.output() }).toEqual({ exit: { code: 0, signal: null }, output: '' });
      expect(f.failedOnExisting).toEqual([]);
      expect(f.unexpected).toEqual([]);
      // During the delay each client went on, one new connection per request (each response says close) ...
      expect(f.servedOnNew.length).toBeGreaterThan(CLIENTS);
      expect(f.servedOnNew.every((a) => a.connection === 'close')).toBe(true);
      expect(Math.max(...f.servedOnNew.map((a) => a.openedAt)) - signal).toBeGreaterThan(delay - 300);
      // ... and was refused once it ended.
      expect(f.refusedNew.length).toBe(CLIENTS);
      expect(Math.min(...f.refusedNew.map((a) => a.sentAt)) - signal).toBeGreaterThan(delay - 100);
      expect(exitMs).toBeGreaterThanOrEqual(delay);
      expect(exitMs).toBeLessThan(10_000);
      expect(server.output()).toContain(`"msg":"SIGTERM: readiness fails, listener closes in ${delay} ms (SHUTDOWN_DELAY_MS)`);
      expect(server.output()).not.toMatch(/Internal server error|"level":"error"/);
    } finally {
      await server.kill();
    }
  });
});

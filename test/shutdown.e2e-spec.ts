/**
 * Graceful shutdown of the real server process (dist/apps/api/src/main.js) on the embedded database: SIGTERM
 * in the middle of a stream of reads and writes loses no acknowledged write, fails no request other than by a
 * refused or reset connection after the listener closed, fails readiness at once, sends open SSE streams a
 * final `reconnect` event, lets a request that is still arriving finish, and exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '@superflag/core';
import { call, ensureBuilt, startServer, type ServerProcess as Server } from './support/server-process';
import { SseClient } from './support/sse';

jest.setTimeout(180_000);

/** A request over a given agent (a kept-alive connection), read to the end. */
function get(url: string, agent: Agent): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Errors a client may see once the server has closed its listener and its connections. */
const CONNECTION_CLOSED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

interface Failure {
  at: number;
  what: string;
  closedConnection: boolean;
}

describe('graceful shutdown of the server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'superflag-shutdown-'));
  beforeAll(ensureBuilt);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('drains in-flight requests, loses no acknowledged write, says reconnect to streams, and exits 0', async () => {
    const server = await startServer(dataDir);
    const { url } = server;
    let restarted: Server | undefined;
    try {
      const { data: session } = await call(url, 'POST', '/api/v1/auth/signup', undefined, {
        email: `shutdown-${Date.now()}@example.com`,
        password: 'shutdown password',
      });
      const token: string = session.token;
      const { data: app } = await call(url, 'POST', '/api/v1/apps', token, { name: 'shutdown' });
      const q = { appId: app.id, env: 'production' };
      await call(url, 'POST', '/api/v1/flags', token, { ...q, key: 'seed', type: 'bool', value: true, clientEnabled: true });
      const { data: sdk } = await call(url, 'POST', '/api/v1/keys', token, { ...q, type: 'sdk' });
      const { data: pub } = await call(url, 'POST', '/api/v1/keys', token, { ...q, type: 'pub' });

      const stream = await SseClient.connect(`${url}/api/v1/config/stream?key=${pub.key}`);
      await stream.next((e) => e.event === 'config', 2000);

      // A kept-alive connection, opened before the signal, on which readiness is asked again after it.
      const probe = new Agent({ keepAlive: true, maxSockets: 1 });
      expect((await get(`${url}/health/ready`, probe)).status).toBe(200);

      // A write whose body is still arriving when SIGTERM comes: it must be let finish.
      const slowBody = JSON.stringify({ ...q, key: 'arrived-during-shutdown', type: 'number', value: 42 });
      const slow: ClientRequest = httpRequest(`${url}/api/v1/flags`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(slowBody), authorization: `Bearer ${token}` },
      });
      const slowResponse = new Promise<{ status: number; body: string }>((resolve, reject) => {
        slow.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        slow.on('error', reject);
      });
      slow.flushHeaders();
      slow.write(slowBody.slice(0, 20));

      // Load: readers and writers, each in a loop until the server is gone.
      let sigtermAt = Number.POSITIVE_INFINITY;
      const failures: Failure[] = [];
      const acknowledged: string[] = [];
      let reads = 0;
      const loop = async (work: (i: number) => Promise<Response>, onOk: (i: number) => void) => {
        for (let i = 0; ; i++) {
          try {
            const res = await work(i);
            await res.arrayBuffer();
            if (!res.ok) failures.push({ at: Date.now(), what: `HTTP ${res.status}`, closedConnection: false });
            else onOk(i);
          } catch (err) {
            const code = ((err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code) as string;
            failures.push({ at: Date.now(), what: `${(err as Error).message} (${code})`, closedConnection: CONNECTION_CLOSED.has(code) });
            if (Date.now() >= sigtermAt) return;
          }
        }
      };
      const writers = [0, 1, 2].map((w) =>
        loop(
          (i) =>
            fetch(`${url}/api/v1/flags`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ ...q, key: `w${w}-${i}`, type: 'number', value: i }),
              signal: AbortSignal.timeout(15_000),
            }),
          (i) => acknowledged.push(`w${w}-${i}`),
        ),
      );
      const readers = [0, 1, 2, 3].map(() =>
        loop(
          () => fetch(`${url}/api/v1/config`, { headers: { authorization: `Bearer ${sdk.key}` }, signal: AbortSignal.timeout(15_000) }),
          () => reads++,
        ),
      );

      await new Promise((r) => setTimeout(r, 1500));
      expect(acknowledged.length).toBeGreaterThan(5);
      sigtermAt = Date.now();
      server.child.kill('SIGTERM');

      // Readiness fails at once, on a connection opened before the signal (the slow write holds the drain open).
      let readiness = await get(`${url}/health/ready`, probe);
      for (let i = 0; readiness.status === 200 && i < 200; i++) {
        await new Promise((r) => setTimeout(r, 10));
        readiness = await get(`${url}/health/ready`, probe);
      }
      expect(readiness.status).toBe(503);
      expect(JSON.parse(readiness.body)).toEqual({ error: 'Shutting down' });
      expect(readiness.headers.connection).toBe('close');

      // With SHUTDOWN_DELAY_MS=0 (the default), new connections are refused at once.
      const fresh = connect(Number(new URL(url).port), '127.0.0.1');
      const refused = await new Promise<string>((resolve) => {
        fresh.once('connect', () => resolve('accepted'));
        fresh.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      fresh.destroy();
      expect(refused).toBe('ECONNREFUSED');

      // The stream was told to reconnect elsewhere, and ended.
      await stream.next((e) => e.event === 'reconnect', 5000);
      expect(JSON.parse(stream.events.find((e) => e.event === 'reconnect')!.data)).toEqual({ reason: 'server shutting down' });
      await stream.endedWithin(5000);

      // The request that was still arriving completes.
      slow.end(slowBody.slice(20));
      const slowResult = await slowResponse;
      expect(slowResult.status).toBe(201);
      acknowledged.push('arrived-during-shutdown');

      await Promise.all([...writers, ...readers]);
      const exit = await server.exited;
      probe.destroy();
      expect({ exit, output: exit.code === 0 ? '' : server.output() }).toEqual({ exit: { code: 0, signal: null }, output: '' });

      // Nothing failed but connections refused or reset after the signal.
      const unexpected = failures.filter((f) => !f.closedConnection || f.at < sigtermAt);
      expect(unexpected).toEqual([]);
      expect(reads).toBeGreaterThan(10);
      // The log says why the process stopped, and no request saw its database connection closed under it.
      expect(server.output()).toContain('"msg":"SIGTERM: readiness fails, listener closed');
      expect(server.output()).toContain('"msg":"Shut down cleanly"');
      expect(server.output()).not.toMatch(/Connection terminated|Internal server error|"level":"error"/);

      // Every acknowledged write is in the database after a restart on the same directory.
      restarted = await startServer(dataDir);
      const { data: flags } = await call(restarted.url, 'GET', `/api/v1/flags?appId=${app.id}&env=production`, token);
      const stored = new Set(Object.keys(flags as Record<string, unknown>));
      expect(acknowledged.filter((key) => !stored.has(key))).toEqual([]);
      expect(stored.has('arrived-during-shutdown')).toBe(true);
      expect(acknowledged.length).toBeGreaterThan(10);
    } finally {
      for (const s of [server, restarted]) {
        if (s && s.child.exitCode === null && s.child.signalCode === null) {
          s.child.kill('SIGTERM');
          await s.exited;
        }
      }
    }
  });
  it('closes a request still running when SHUTDOWN_GRACE_MS ends, and still exits 0', async () => {
    const server = await startServer('memory://', { SHUTDOWN_GRACE_MS: '1000' });
    try {
      // Headers sent, body never finished: the handler cannot complete on its own.
      const stuck = httpRequest(`${server.url}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 100 },
      });
      const outcome = new Promise<string>((resolve) => {
        stuck.on('response', (res) => resolve(`HTTP ${res.statusCode}`));
        stuck.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      stuck.write('{"email":');
      await new Promise((r) => setTimeout(r, 200));
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      expect(await outcome).toMatch(/ECONNRESET|socket hang up/);
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(900);
      expect(Date.now() - signalled).toBeLessThan(8000);
      expect(server.output()).toContain('1 request(s) still running after SHUTDOWN_GRACE_MS=1000: closing their connections');
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  });

  it('reads SHUTDOWN_GRACE_MS (10 s by default, up to 10 minutes) and SHUTDOWN_DELAY_MS (0 by default) from the environment', () => {
    expect(new AppConfig().SHUTDOWN_GRACE_MS).toBe(10_000);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '2500' }).SHUTDOWN_GRACE_MS).toBe(2500);
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: '-1' })).toThrow('Invalid configuration: SHUTDOWN_GRACE_MS=-1');
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: '5s' })).toThrow('Invalid configuration: SHUTDOWN_GRACE_MS="5s"');
    expect(new AppConfig().SHUTDOWN_DELAY_MS).toBe(0);
    expect(loadConfig({ SHUTDOWN_DELAY_MS: '1500' }).SHUTDOWN_DELAY_MS).toBe(1500);
    expect(() => loadConfig({ SHUTDOWN_DELAY_MS: '-1' })).toThrow('Invalid configuration: SHUTDOWN_DELAY_MS=-1');
  });
});

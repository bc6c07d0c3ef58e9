/**
 * Structured logs: a realistic session (signup and login with a password, a cli_ token, pub_/sdk_ keys, config
 * reads with the key in a header and in `?key=`, flag writes) on an app whose JSON log lines are captured,
 * at debug level so request headers are logged too. No secret may appear in the log; every request line has
 * its request id, method, route pattern, status and latency.
 */
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@superflag/core';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../apps/api/src/bootstrap';
import { unique } from './support/factories';
import { SseClient } from './support/sse';

interface LogLine {
  level: string;
  time: string;
  msg: string;
  context?: string;
  requestId?: string;
  method?: string;
  route?: string | null;
  url?: string;
  status?: number;
  latencyMs?: number;
  headers?: Record<string, string>;
}

describe('structured logs', () => {
  const written: string[] = [];
  let app: NestFastifyApplication;
  let http: TestAgent;
  let base: string;

  beforeAll(async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      LOG_LEVEL: 'debug',
      LOGIN_RATE_LIMIT: '100000',
      BURST_IP_LIMIT: '100000',
      BURST_TOKEN_LIMIT: '100000',
    };
    if (!env.DATABASE_URL) env.DATA_DIR = 'memory://';
    // pino writes each line with one write() call to its destination.
    app = await createApp(loadConfig(env), { logDestination: { write: (line: string) => void written.push(line) } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const lines = (): LogLine[] =>
    written
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LogLine);
  const requestLines = () => lines().filter((l) => l.msg === 'request completed' || l.msg === 'request failed');

  it('never writes a password, token or key, and logs every request with its id, method, route, status and latency', async () => {
    const email = `${unique('log')}@example.com`;
    const password = `pw-${unique('secret')}`;
    const wrongPassword = `wrong-${unique('secret')}`;
    const cookie = `session=${unique('cookie-secret')}`;

    const signup = await http.post('/api/v1/auth/signup').send({ email, password }).expect(201);
    const signupToken: string = signup.body.data.token;
    const login = await http.post('/api/v1/auth/login').send({ email, password }).expect(200);
    const loginToken: string = login.body.data.token;
    await http.post('/api/v1/auth/login').send({ email, password: wrongPassword }).expect(401);
    const auth = { Authorization: `Bearer ${loginToken}` };
    const created = await http
      .post('/api/v1/auth/tokens')
      .set(auth)
      .send({ name: 'ci', scopes: ['apps:read', 'flags:read'] })
      .expect(201);
    const ciToken: string = created.body.data.token;
    await http
      .get('/api/v1/apps')
      .set({ Authorization: `Bearer ${ciToken}` })
      .set('Cookie', cookie)
      .expect(200);

    const appRes = await http
      .post('/api/v1/apps')
      .set(auth)
      .send({ name: unique('app') })
      .expect(201);
    const q = { appId: appRes.body.data.id, env: 'production' };
    await http
      .post('/api/v1/flags')
      .set(auth)
      .send({ ...q, key: 'dark-mode', type: 'bool', value: true, clientEnabled: true })
      .expect(201);
    const sdk: string = (
      await http
        .post('/api/v1/keys')
        .set(auth)
        .send({ ...q, type: 'sdk' })
        .expect(201)
    ).body.data.key;
    const pub: string = (
      await http
        .post('/api/v1/keys')
        .set(auth)
        .send({ ...q, type: 'pub' })
        .expect(201)
    ).body.data.key;
    await http
      .patch('/api/v1/flags')
      .set(auth)
      .set('X-Request-Id', 'write-dark-mode-1')
      .send({ ...q, key: 'dark-mode', value: false })
      .expect(200);

    await http.get('/api/v1/config').set('X-API-Key', sdk).expect(200);
    await http.get('/api/v1/config').set('Authorization', `Bearer ${pub}`).expect(200);
    await http.get(`/api/v1/flags/dark-mode`).query(q).set(auth).expect(200);
    const stream = await SseClient.connect(`${base}/api/v1/config/stream?key=${pub}`);
    await stream.next((e) => e.event === 'config', 2000);
    stream.close();
    await http.post('/api/v1/auth/logout').set(auth).expect(200);
    // Let the stream's close and the last responses' lines be written.
    await new Promise((r) => setTimeout(r, 200));

    const text = written.join('');
    const secrets = { password, wrongPassword, cookie, signupToken, loginToken, ciToken, sdk, pub };
    const leaked = Object.entries(secrets).filter(([, secret]) => text.includes(secret));
    expect(leaked).toEqual([]);
    expect(text).not.toMatch(/cli_[0-9A-Za-z]{20}|sdk_[a-z]+_[0-9A-Za-z]{20}|pub_[a-z]+_[0-9A-Za-z]{20}/);

    const requests = requestLines();
    for (const line of requests) {
      expect(line).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          time: expect.any(String),
          requestId: expect.any(String),
          method: expect.any(String),
          status: expect.any(Number),
          latencyMs: expect.any(Number),
        }),
      );
    }
    const find = (method: string, route: string, status: number) =>
      requests.find((l) => l.method === method && l.route === route && l.status === status);
    expect(find('POST', '/api/v1/auth/signup', 201)).toBeDefined();
    expect(find('POST', '/api/v1/auth/login', 401)).toBeDefined();
    expect(find('POST', '/api/v1/keys', 201)).toBeDefined();
    // The route is the pattern, the URL the request's (with secret query values censored).
    expect(find('GET', '/api/v1/flags/:key', 200)?.url).toBe(`/api/v1/flags/dark-mode?appId=${q.appId}&env=production`);
    expect(find('GET', '/api/v1/config/stream', 200)?.url).toBe('/api/v1/config/stream?key=[Redacted]');
    // The caller's request id is used; credentials in headers are censored, other headers kept (debug level).
    const write = requests.find((l) => l.requestId === 'write-dark-mode-1');
    expect(write).toEqual(expect.objectContaining({ method: 'PATCH', route: '/api/v1/flags', status: 200, url: '/api/v1/flags' }));
    expect(write?.headers).toEqual(expect.objectContaining({ authorization: '[Redacted]', 'x-request-id': 'write-dark-mode-1' }));
    const byKeyHeader = requests.find((l) => l.route === '/api/v1/config' && l.headers?.['x-api-key']);
    expect(byKeyHeader?.headers?.['x-api-key']).toBe('[Redacted]');
    const withCookie = requests.find((l) => l.headers?.cookie);
    expect(withCookie?.headers?.cookie).toBe('[Redacted]');
  });

  it("echoes the request id: the caller's when it is plain, a new one otherwise", async () => {
    const given = await http.get('/health/live').set('X-Request-Id', 'lb-7f3a.2').expect(200);
    expect(given.headers['x-request-id']).toBe('lb-7f3a.2');
    const made = await http.get('/health/live').expect(200);
    // `<random per process>-<counter>`: unique across replicas and restarts.
    expect(made.headers['x-request-id']).toMatch(/^[\w-]{8}-[0-9a-z]+$/);
    const next = await http.get('/health/live').expect(200);
    expect(next.headers['x-request-id']).not.toBe(made.headers['x-request-id']);
    const forged = await http.get('/api/v1/apps').set('X-Request-Id', 'x" "level":"fatal').expect(401);
    expect(forged.headers['x-request-id']).toMatch(/^[\w-]{8}-[0-9a-z]+$/);
    await new Promise((r) => setTimeout(r, 50));
    expect(requestLines().find((l) => l.requestId === forged.headers['x-request-id'])).toEqual(
      expect.objectContaining({ method: 'GET', route: '/api/v1/apps', status: 401 }),
    );
  });

  it("writes Nest's own messages as JSON lines through the same logger", () => {
    expect(lines().find((l) => l.context === 'NestApplication')).toEqual(
      expect.objectContaining({ level: 'debug', msg: 'Nest application successfully started' }),
    );
    expect(lines().find((l) => l.context === 'RouterExplorer' && l.msg.includes('/metrics'))).toBeDefined();
  });

  it("censors secret fields and credential headers in anything logged through Nest's Logger", () => {
    new Logger('Audit').log({
      msg: 'user created',
      user: { email: 'a@example.com', password: 'hunter2-secret' },
      token: 'cli_abc',
      headers: { authorization: 'Bearer xyz-secret', accept: '*/*' },
    });
    const line = lines().find((l) => l.msg === 'user created') as unknown as Record<string, unknown>;
    expect(line).toEqual(
      expect.objectContaining({ context: 'Audit', token: '[Redacted]', user: { email: 'a@example.com', password: '[Redacted]' } }),
    );
    expect(line.headers).toEqual({ authorization: '[Redacted]', accept: '*/*' });
    expect(written.join('')).not.toMatch(/hunter2-secret|xyz-secret|cli_abc/);
  });

  it('leaves probes and scrapes out of the request log', async () => {
    const before = requestLines().length;
    await http.get('/health/live').expect(200);
    await http.get('/health/ready').expect(200);
    await http.get('/metrics').expect(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(requestLines().length).toBe(before);
  });
});

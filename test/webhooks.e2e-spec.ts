import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { WebhooksService } from '@superflag/webhooks';
import { DataSource } from 'typeorm';
import { replicasPerSuite, sharedServices, startApp, type TestApp } from './support/app';
import { aFlag, anApp, aUser, type TestAppRecord, type TestUser, unique } from './support/factories';
import { until } from './support/poll';
import { TestSession } from './support/session';

/** One request the receiver got, with what Standard Webhooks' own verifier made of it. */
interface Received {
  path: string;
  id: string;
  timestamp: string;
  body: string;
  /** The verified payload, or the verifier's error message. */
  verified: unknown;
  status: Step;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1: verifies every request with `standardwebhooks`' Webhook.verify against the
 * secret registered for its path, and answers each path's scripted statuses in turn (the last one repeats), or
 * never answers ('hang').
 */
class Receiver {
  readonly received: Received[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly scripts = new Map<string, Script>();
  private server?: Server;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A new path answering `script` in turn, on host `host` (127.0.0.1 unless told). */
  path(script: Script = [200], host = '127.0.0.1'): { path: string; url: string } {
    const path = `/${unique('hook')}`;
    this.scripts.set(path, Array.isArray(script) ? [...script] : script);
    return { path, url: `http://${host}:${this.port}${path}` };
  }

  secretFor(path: string, secret: string): void {
    this.secrets.set(path, secret);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: unknown;
      try {
        verified = new Webhook(this.secrets.get(path) ?? 'whsec_bm9uZQ==').verify(body, req.headers as Record<string, string>);
      } catch (err) {
        verified = `unverified: ${(err as Error).message}`;
      }
      const script = this.scripts.get(path) ?? [404];
      const id = String(req.headers['webhook-id']);
      const status = Array.isArray(script)
        ? script.length > 1
          ? script.shift()!
          : script[0]
        : script(this.at(path).some((r) => r.id === id));
      this.received.push({
        path,
        id,
        timestamp: String(req.headers['webhook-timestamp']),
        body,
        verified,
        status,
        at: Date.now(),
      });
      if (status === 'hang') return;
      const answer = (code: number) => res.writeHead(code, { 'content-type': 'text/plain' }).end('ok');
      if (typeof status === 'number') answer(status);
      else setTimeout(() => answer(status.status), status.afterMs);
    });
  }
}

/** A status, one sent after a delay, or no answer at all. */
type Step = number | 'hang' | { status: number; afterMs: number };
/** Steps answered in turn (the last repeats), or a function of whether this webhook-id came before. */
type Script = Step[] | ((seenBefore: boolean) => number);

const SECRET_KEY = 'webhook-test-key-of-at-least-32-characters';

interface Hook {
  id: string;
  secret: string;
  path: string;
}

describe('Webhooks', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  describe('delivery (WEBHOOK_ALLOW_PRIVATE=true, to a local receiver)', () => {
    const s = TestSession.perSuite(
      {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_SECRET_KEY: SECRET_KEY,
        WEBHOOK_TIMEOUT_MS: '1500',
        WEBHOOK_MAX_ATTEMPTS: '2',
        LIMIT_WEBHOOKS_PER_APP: '3',
      },
      { timeoutMs: 60_000 },
    );
    const base = (appId: string) => `/api/v1/apps/${appId}/webhooks`;
    const deliveries = (appId: string, hookId: string, auth: { Authorization: string }, query: Record<string, string | number> = {}) =>
      s
        .http()
        .get(`${base(appId)}/${hookId}/deliveries`)
        .query(query)
        .set(auth);

    async function aHook(
      app: TestAppRecord,
      owner: TestUser,
      options: { script?: Script; events?: string[]; host?: string } = {},
    ): Promise<Hook> {
      const { path, url } = receiver.path(options.script, options.host);
      const res = await s
        .http()
        .post(base(app.id))
        .set(owner.auth)
        .send({ url, ...(options.events ? { events: options.events } : {}) })
        .expect(201);
      receiver.secretFor(path, res.body.data.secret);
      return { id: res.body.data.id, secret: res.body.data.secret, path };
    }

    /** The receiver's requests at `path` once `count` arrived (or the deadline passed). */
    const arrivals = (path: string, count: number, withinMs = 10_000) =>
      until(
        () => receiver.at(path),
        (r) => r.length >= count,
        withinMs,
      );
    const deliveriesUntil = (app: TestAppRecord, hook: Hook, owner: TestUser, done: (data: Array<Record<string, unknown>>) => boolean) =>
      until(
        async () => (await deliveries(app.id, hook.id, owner.auth).expect(200)).body.data as Array<Record<string, unknown>>,
        done,
        15_000,
        100,
      );

    it('creates a webhook with its secret shown once (stored encrypted), and lists it without', async () => {
      const { user, app } = await s.newUserWithApp();
      const { url } = receiver.path();
      const res = await s
        .http()
        .post(base(app.id))
        .set(user.auth)
        .send({ url, events: ['flag.changed', 'key.revoked'] })
        .expect(201);
      expect(res.body).toEqual({
        data: {
          id: expect.stringMatching(/^whk_[0-9A-Za-z]{16}$/),
          url,
          events: ['flag.changed', 'key.revoked'],
          secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
          createdAt: expect.any(String),
        },
      });
      const { id, secret } = res.body.data;
      const list = await s.http().get(base(app.id)).set(user.auth).expect(200);
      expect(list.body).toEqual({ data: [{ id, url, events: ['flag.changed', 'key.revoked'], createdAt: res.body.data.createdAt }] });
      expect(JSON.stringify(list.body)).not.toContain('whsec_');
      const [row] = await s.query<{ secret_encrypted: string }>('SELECT secret_encrypted FROM webhooks WHERE id = $1', [id]);
      expect(row.secret_encrypted).toMatch(/^v1:/);
      expect(row.secret_encrypted).not.toContain(secret.slice('whsec_'.length, 20));
    });

    it('lists every event for a webhook created without `events`', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user);
      const list = await s.http().get(base(app.id)).set(user.auth).expect(200);
      expect(list.body.data).toEqual([
        expect.objectContaining({ id: hook.id, events: expect.arrayContaining(['flag.changed', 'member.added', 'plan.changed']) }),
      ]);
      expect(list.body.data[0].events).toHaveLength(10);
    });

    it('delivers a flag change, signed per Standard Webhooks, with the payload {type, timestamp, data}', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { events: ['flag.changed'] });
      const flag = await aFlag(s, user, app, 'production');
      const [got] = await arrivals(hook.path, 1);
      expect(got).toBeDefined();
      expect(got.id).toMatch(/^msg_[0-9A-Za-z]{24}$/);
      expect(Math.abs(Number(got.timestamp) - Date.now() / 1000)).toBeLessThan(30);
      expect(got.verified).toEqual({
        type: 'flag.changed',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        data: {
          appId: app.id,
          environmentId: app.envs.production,
          environmentName: 'production',
          version: flag.version,
          keys: [flag.key],
          kind: 'create',
          actor: { type: 'user', id: user.id },
          description: null,
        },
      });
      const data = await deliveriesUntil(app, hook, user, (d) => d[0]?.status === 'succeeded');
      expect(data).toEqual([
        {
          id: got.id,
          webhookId: hook.id,
          type: 'flag.changed',
          status: 'succeeded',
          attemptCount: 1,
          responseCode: 200,
          durationMs: expect.any(Number),
          error: null,
          nextAttemptAt: null,
          attempts: [{ attempt: 1, at: expect.any(String), responseCode: 200, durationMs: expect.any(Number), error: null }],
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      ]);
    });

    // A combined write announces up to 50 flag.changed after one commit: each looked its subscribers up with its own
    // query, one per write after the commit, competing with the next writes for the pool.
    it('delivers every change of concurrent writes combined in one transaction, looking the subscribers up once per batch', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { events: ['flag.changed'] });
      const flag = await aFlag(s, user, app, 'production', { type: 'number', value: 0 });
      await arrivals(hook.path, 1);
      const store = (s.get(WebhooksService) as unknown as { webhooks: { subscribers: (...args: unknown[]) => Promise<unknown> } }).webhooks;
      const lookups = jest.spyOn(store, 'subscribers');
      try {
        const writes = 10;
        const answers = await Promise.all(
          Array.from({ length: writes }, (_, i) =>
            s
              .http()
              .patch('/api/v1/flags')
              .set(user.auth)
              .send({ appId: app.id, env: 'production', key: flag.key, value: i + 1 })
              .expect(200),
          ),
        );
        const got = await arrivals(hook.path, writes + 1);
        const versions = got.slice(1).map((g) => (g.verified as { data: { version: number } }).data.version);
        expect(versions.sort((a, b) => a - b)).toEqual(answers.map((r) => r.body.data.version as number).sort((a, b) => a - b));
        expect(new Set(versions).size).toBe(writes);
        expect(lookups.mock.calls.length).toBeGreaterThan(0);
        expect(lookups.mock.calls.length).toBeLessThan(writes);
      } finally {
        lookups.mockRestore();
      }
    });

    it('resolves a host name through the guarded lookup and delivers to it (localhost, allowed here)', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { host: 'localhost' });
      await s
        .http()
        .post(`${base(app.id)}/${hook.id}/test`)
        .set(user.auth)
        .expect(201);
      const [got] = await arrivals(hook.path, 1);
      expect(got?.verified).toEqual(expect.objectContaining({ type: 'webhook.test' }));
      const [delivery] = await deliveriesUntil(app, hook, user, (d) => d[0]?.status === 'succeeded');
      expect(delivery).toMatchObject({ status: 'succeeded', responseCode: 200 });
    });

    it('sends only the events a webhook subscribed to, each with its own facts', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { events: ['key.created', 'member.added'] });
      await aFlag(s, user, app, 'production');
      const key = await s.http().post('/api/v1/keys').set(user.auth).send({ appId: app.id, env: 'staging', type: 'pub' }).expect(201);
      const member = await s.newUser();
      await s.http().post(`/api/v1/apps/${app.id}/members`).set(user.auth).send({ email: member.email, role: 'viewer' }).expect(201);
      const got = await arrivals(hook.path, 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.at(hook.path).map((r) => r.verified)).toEqual([
        {
          type: 'key.created',
          timestamp: expect.any(String),
          data: {
            appId: app.id,
            environmentId: app.envs.staging,
            keyId: key.body.data.id,
            type: 'pub',
            actor: { type: 'user', id: user.id },
          },
        },
        {
          type: 'member.added',
          timestamp: expect.any(String),
          data: { appId: app.id, userId: member.id, role: 'viewer', actor: { type: 'user', id: user.id } },
        },
      ]);
      expect(JSON.stringify(got.map((r) => r.body))).not.toMatch(/pub_|sdk_|whsec_/);
    });

    it('retries a failed delivery within 10 s with the same webhook-id, and records both attempts', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { script: [500, 200] });
      await aFlag(s, user, app, 'production');
      const got = await arrivals(hook.path, 2, 12_000);
      expect(got.map((r) => r.status)).toEqual([500, 200]);
      expect(got[1].id).toBe(got[0].id);
      expect(got[1].at - got[0].at).toBeLessThan(10_000);
      expect(got.map((r) => typeof r.verified)).toEqual(['object', 'object']);
      expect(got[1].body).toBe(got[0].body);
      const [delivery] = await deliveriesUntil(app, hook, user, (d) => d[0]?.status === 'succeeded');
      expect(delivery).toMatchObject({ id: got[0].id, status: 'succeeded', attemptCount: 2, responseCode: 200, error: null });
      expect(delivery.attempts).toEqual([
        { attempt: 1, at: expect.any(String), responseCode: 500, durationMs: expect.any(Number), error: 'HTTP 500' },
        { attempt: 2, at: expect.any(String), responseCode: 200, durationMs: expect.any(Number), error: null },
      ]);
    });

    it('gives up after WEBHOOK_MAX_ATTEMPTS, counting redirects as failures (not followed)', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { script: [302, 503] });
      await s
        .http()
        .post(`${base(app.id)}/${hook.id}/test`)
        .set(user.auth)
        .expect(201);
      const [delivery] = await deliveriesUntil(app, hook, user, (d) => d[0]?.status === 'failed');
      expect(delivery).toMatchObject({ status: 'failed', attemptCount: 2, responseCode: 503, error: 'HTTP 503', nextAttemptAt: null });
      expect((delivery.attempts as Array<{ responseCode: number }>).map((a) => a.responseCode)).toEqual([302, 503]);
      expect(receiver.at(hook.path)).toHaveLength(2);
    });

    it('records a receiver that does not answer within WEBHOOK_TIMEOUT_MS as a timed-out attempt', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { script: ['hang'] });
      await s
        .http()
        .post(`${base(app.id)}/${hook.id}/test`)
        .set(user.auth)
        .expect(201);
      const [delivery] = await deliveriesUntil(app, hook, user, (d) => (d[0]?.attempts as unknown[])?.length >= 1);
      expect(delivery.attempts).toEqual([
        { attempt: 1, at: expect.any(String), responseCode: null, durationMs: expect.any(Number), error: 'timed out after 1500 ms' },
      ]);
      const [first] = delivery.attempts as Array<{ durationMs: number }>;
      expect(first.durationMs).toBeGreaterThanOrEqual(1400);
      expect(first.durationMs).toBeLessThan(5000);
    });

    it('sends a test delivery on request, and pages the deliveries newest first', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user);
      const sent = await s
        .http()
        .post(`${base(app.id)}/${hook.id}/test`)
        .set(user.auth)
        .expect(201);
      expect(sent.body.data).toMatchObject({
        id: expect.stringMatching(/^msg_/),
        webhookId: hook.id,
        type: 'webhook.test',
        status: 'pending',
        attempts: [],
      });
      const [got] = await arrivals(hook.path, 1);
      expect(got.id).toBe(sent.body.data.id);
      expect(got.verified).toEqual({
        type: 'webhook.test',
        timestamp: expect.any(String),
        data: { appId: app.id, webhookId: hook.id, message: expect.any(String) },
      });

      await s
        .http()
        .post(`${base(app.id)}/${hook.id}/test`)
        .set(user.auth)
        .expect(201);
      await s
        .http()
        .post(`${base(app.id)}/${hook.id}/test`)
        .set(user.auth)
        .expect(201);
      const first = await deliveries(app.id, hook.id, user.auth, { limit: 2 }).expect(200);
      expect(first.body.data).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await deliveries(app.id, hook.id, user.auth, { limit: 2, cursor: first.body.nextCursor }).expect(200);
      expect(second.body).toEqual({ data: [expect.objectContaining({ id: sent.body.data.id })], nextCursor: null });
      const unpaged = await deliveries(app.id, hook.id, user.auth).expect(200);
      expect(unpaged.body.data.map((d: { id: string }) => d.id)).toEqual(
        [...first.body.data, ...second.body.data].map((d: { id: string }) => d.id),
      );
      expect(unpaged.body.nextCursor).toBeNull();
      await deliveries(app.id, hook.id, user.auth, { cursor: 'nope!' }).expect(400, { error: 'Invalid cursor' });
    });

    it('refuses unknown events, bad URLs and unknown fields with 400, and creates nothing', async () => {
      const { user, app } = await s.newUserWithApp();
      const { url } = receiver.path();
      const post = (body: unknown) =>
        s
          .http()
          .post(base(app.id))
          .set(user.auth)
          .send(body as object);
      expect((await post({ url, events: ['flag.changed', 'flag.exploded'] }).expect(400)).body.error).toContain(
        'Unknown event "flag.exploded"',
      );
      expect((await post({ url, events: [] }).expect(400)).body.error).toContain('at least one event');
      expect((await post({ url, events: 'flag.changed' }).expect(400)).body.error).toBeDefined();
      expect((await post({ url: 'ftp://127.0.0.1/x' }).expect(400)).body).toEqual({ error: 'url must use http or https' });
      expect((await post({ url: 'http://user:pw@127.0.0.1/x' }).expect(400)).body).toEqual({ error: 'url must not contain credentials' });
      expect((await post({ url: 'hooks.example.com/x' }).expect(400)).body).toEqual({ error: 'url must be an absolute http or https URL' });
      expect((await post({ url: `http://127.0.0.1/${'a'.repeat(2100)}` }).expect(400)).body.error).toContain('url');
      expect((await post({ url: 'http://no-such-host.invalid/x' }).expect(400)).body).toEqual({
        error: "url's host no-such-host.invalid cannot be resolved",
      });
      expect((await post({ url, secret: 'whsec_mine' }).expect(400)).body.error).toBeDefined();
      expect((await post({}).expect(400)).body.error).toBeDefined();
      expect((await s.http().get(base(app.id)).set(user.auth).expect(200)).body).toEqual({ data: [] });
    });

    it('limits webhooks per app (LIMIT_WEBHOOKS_PER_APP) with 409, until one is deleted', async () => {
      const { user, app } = await s.newUserWithApp();
      const hooks = await Promise.all([1, 2, 3].map(() => aHook(app, user)));
      const { url } = receiver.path();
      const refused = await s.http().post(base(app.id)).set(user.auth).send({ url }).expect(409);
      expect(refused.body).toEqual({ error: 'Webhooks per app limit reached (3)' });
      await s
        .http()
        .delete(`${base(app.id)}/${hooks[0].id}`)
        .set(user.auth)
        .expect(200, { data: { success: true } });
      await s.http().post(base(app.id)).set(user.auth).send({ url }).expect(201);
    });

    it('is for owners only: editors, viewers and mgmt_ keys get 403, other tenants 404', async () => {
      const hook = await aHook(s.appRecord, s.user, { events: ['flag.changed'] });
      const [editor, viewer] = [await s.asMember('editor'), await s.asMember('viewer')];
      const mgmt = await s.managementKey();
      const stranger = await s.newUser();
      const routes = [
        () => s.http().get(base(s.appId)),
        () => s.http().post(base(s.appId)).send({ url: receiver.path().url }),
        () => s.http().delete(`${base(s.appId)}/${hook.id}`),
        () => s.http().get(`${base(s.appId)}/${hook.id}/deliveries`),
        () => s.http().post(`${base(s.appId)}/${hook.id}/test`),
      ];
      for (const route of routes) {
        for (const who of [editor.auth, viewer.auth, mgmt.auth]) {
          const res = await route().set(who);
          expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: { error: 'Insufficient permissions' } });
        }
        const res = await route().set(stranger.auth);
        expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: 'App not found' } });
        expect((await route()).status).toBe(401);
      }
      const list = await s.http().get(base(s.appId)).set(s.user.auth).expect(200);
      expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([hook.id]);
      expect(receiver.at(hook.path)).toEqual([]);
    });

    it("answers 404 for a webhook of another app, even the same owner's", async () => {
      const other = await s.newApp();
      const hook = await aHook(other, s.user);
      for (const id of [hook.id, 'whk_0000000000000000', 'nope', `whk_${'x'.repeat(300)}`]) {
        const url = `${base(s.appId)}/${encodeURIComponent(id)}`;
        await s.http().delete(url).set(s.user.auth).expect(404, { error: 'Webhook not found' });
        await s.http().get(`${url}/deliveries`).set(s.user.auth).expect(404, { error: 'Webhook not found' });
        await s.http().post(`${url}/test`).set(s.user.auth).expect(404, { error: 'Webhook not found' });
      }
      expect((await s.http().get(base(other.id)).set(s.user.auth).expect(200)).body.data).toHaveLength(1);
    });

    it('deletes a webhook with its deliveries, and sends it nothing after', async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user);
      await aFlag(s, user, app);
      await arrivals(hook.path, 1);
      await s
        .http()
        .delete(`${base(app.id)}/${hook.id}`)
        .set(user.auth)
        .expect(200, { data: { success: true } });
      await s
        .http()
        .delete(`${base(app.id)}/${hook.id}`)
        .set(user.auth)
        .expect(404, { error: 'Webhook not found' });
      expect(await s.query('SELECT id FROM webhook_deliveries WHERE webhook_id = $1', [hook.id])).toEqual([]);
      await aFlag(s, user, app);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.at(hook.path)).toHaveLength(1);
    });

    it("goes with its app: deleting the app deletes the app's webhooks and deliveries", async () => {
      const { user, app } = await s.newUserWithApp();
      const hook = await aHook(app, user, { events: ['flag.changed'] });
      await aFlag(s, user, app);
      await arrivals(hook.path, 1);
      await s.http().delete(`/api/v1/apps/${app.id}`).set(user.auth).expect(200);
      expect(await s.query('SELECT id FROM webhooks WHERE app_id = $1', [app.id])).toEqual([]);
      expect(await s.query('SELECT id FROM webhook_deliveries WHERE app_id = $1', [app.id])).toEqual([]);
    });
  });

  describe('address rules (WEBHOOK_ALLOW_PRIVATE=false)', () => {
    const s = TestSession.perSuite(
      { WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_SECRET_KEY: SECRET_KEY, WEBHOOK_MAX_ATTEMPTS: '1' },
      { timeoutMs: 60_000 },
    );
    const base = () => `/api/v1/apps/${s.appId}/webhooks`;

    it.each([
      ['http://127.0.0.1:8080/hook', '127.0.0.1 is loopback'],
      ['http://localhost:8080/hook', 'localhost resolves to 127.0.0.1, which is loopback'],
      ['http://[::1]/hook', '::1 is loopback'],
      ['http://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1 is loopback'],
      ['http://2130706433/hook', '127.0.0.1 is loopback'],
      ['http://0x7f.1/hook', '127.0.0.1 is loopback'],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is link-local'],
      ['http://[fe80::1]/hook', 'fe80::1 is link-local'],
      ['http://10.0.0.1/hook', '10.0.0.1 is private'],
      ['http://172.16.5.4/hook', '172.16.5.4 is private'],
      ['http://192.168.1.1/hook', '192.168.1.1 is private'],
      ['http://[fd00::1]/hook', 'fd00::1 is unique-local'],
      ['http://100.64.0.1/hook', '100.64.0.1 is shared (CGNAT)'],
      ['http://0.0.0.0/hook', '0.0.0.0 is unspecified'],
      ['http://[::]/hook', ':: is unspecified'],
      ['http://224.0.0.1/hook', '224.0.0.1 is multicast'],
      ['http://198.51.100.1/hook', '198.51.100.1 is reserved'],
    ])('refuses %s at creation', async (url, reason) => {
      const res = await s.http().post(base()).set(s.user.auth).send({ url }).expect(400);
      expect(res.body).toEqual({ error: `url must point to a public address: ${reason} (WEBHOOK_ALLOW_PRIVATE=true allows it)` });
    });

    it('accepts a public address, and checks again at delivery the address it connects to (DNS rebinding)', async () => {
      const { user, app } = await s.newUserWithApp();
      const created = await s
        .http()
        .post(`/api/v1/apps/${app.id}/webhooks`)
        .set(user.auth)
        .send({ url: 'https://93.184.215.14/hook' })
        .expect(201);
      const id = created.body.data.id;
      // The name now resolves to loopback (as a rebinding DNS server would answer after the check at creation).
      for (const [host, error] of [
        ['localhost', 'refused: localhost resolves to 127.0.0.1 (loopback)'],
        ['127.0.0.1', 'refused: 127.0.0.1 is loopback'],
      ]) {
        const { path, url } = receiver.path([200], host);
        await s.query('UPDATE webhooks SET url = $2 WHERE id = $1', [id, url]);
        const sent = await s.http().post(`/api/v1/apps/${app.id}/webhooks/${id}/test`).set(user.auth).expect(201);
        const delivery = await until(
          async () =>
            (
              (await s.http().get(`/api/v1/apps/${app.id}/webhooks/${id}/deliveries`).set(user.auth).expect(200)).body.data as Array<
                Record<string, unknown>
              >
            ).find((d) => d.id === sent.body.data.id),
          (d) => d?.status === 'failed',
          10_000,
        );
        expect(delivery).toMatchObject({ status: 'failed', attemptCount: 1, responseCode: null });
        expect(delivery?.error).toContain(error);
        expect(receiver.at(path)).toEqual([]);
      }
    });
  });

  describe('two replicas on one database', () => {
    const settings = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_SECRET_KEY: SECRET_KEY, WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '300' };
    const [a, b] = replicasPerSuite(2, settings);

    it('deliver each event exactly once (and each retry once), whichever replica heard it', async () => {
      const user = await aUser(a);
      const app = await anApp(a, user);
      // Every message fails its first attempt: its retry is claimed by whichever replica polls first.
      const { path, url } = receiver.path((seenBefore) => (seenBefore ? 200 : 500));
      const created = await b
        .http()
        .post(`/api/v1/apps/${app.id}/webhooks`)
        .set(user.auth)
        .send({ url, events: ['flag.changed'] })
        .expect(201);
      receiver.secretFor(path, created.body.data.secret);
      const writes = 10;
      const versions: number[] = [];
      for (let i = 0; i < writes; i++) {
        const replica: TestApp = i % 2 === 0 ? a : b;
        versions.push((await aFlag(replica, user, app, 'production')).version);
      }
      const got = await until(
        () => receiver.at(path),
        (r) => r.filter((x) => x.status === 200).length >= writes,
        20_000,
      );
      // Long enough for a duplicate claim by the other replica's poll (every 50 ms) to show up.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const all = receiver.at(path);
      expect(all).toHaveLength(2 * writes);
      const ids = new Set(all.map((r) => r.id));
      expect(ids.size).toBe(writes);
      const versionsDelivered = all
        .filter((r) => r.status === 200)
        .map((r) => (r.verified as { data: { version: number } }).data.version)
        .sort((x, y) => x - y);
      expect(versionsDelivered).toEqual(versions);
      for (const id of ids) expect(all.filter((r) => r.id === id)).toHaveLength(2);
      expect(got.every((r) => typeof r.verified === 'object')).toBe(true);
      const [{ n }] = await a.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'succeeded'`, [created.body.data.id]);
      expect(n).toBe(writes);
    });
  });

  describe('bounded concurrency (WEBHOOK_CONCURRENCY=1)', () => {
    const s = TestSession.perSuite(
      {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_SECRET_KEY: SECRET_KEY,
        WEBHOOK_CONCURRENCY: '1',
        WEBHOOK_TIMEOUT_MS: '1000',
        WEBHOOK_MAX_ATTEMPTS: '1',
      },
      { timeoutMs: 60_000 },
    );

    it('makes one attempt at a time per replica: the next waits for the slow one', async () => {
      const hooks = [];
      for (const script of [['hang'], [200]] as Step[][]) {
        const { path, url } = receiver.path(script);
        const res = await s.http().post(`/api/v1/apps/${s.appId}/webhooks`).set(s.user.auth).send({ url }).expect(201);
        receiver.secretFor(path, res.body.data.secret);
        hooks.push({ id: res.body.data.id as string, path });
      }
      const [slow, quick] = hooks;
      await s.http().post(`/api/v1/apps/${s.appId}/webhooks/${slow.id}/test`).set(s.user.auth).expect(201);
      const [hung] = await until(
        () => receiver.at(slow.path),
        (r) => r.length === 1,
        5_000,
      );
      await s.http().post(`/api/v1/apps/${s.appId}/webhooks/${quick.id}/test`).set(s.user.auth).expect(201);
      const [answered] = await until(
        () => receiver.at(quick.path),
        (r) => r.length === 1,
        5_000,
      );
      expect(answered).toBeDefined();
      // The only slot was the hanging attempt's until its 1 s timeout.
      expect(answered.at - hung.at).toBeGreaterThanOrEqual(900);
    });
  });

  describe('shutdown', () => {
    it('lets an attempt in flight finish and record its outcome before the replica closes', async () => {
      const settings = { ...sharedServices(), WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_SECRET_KEY: SECRET_KEY };
      // B polls once a minute: the delivery A enqueues is A's to claim (A is woken at once).
      const [a, b] = await Promise.all([startApp(settings), startApp({ ...settings, WEBHOOK_POLL_MS: '60000' })]);
      let aOpen = true;
      try {
        const user = await aUser(a);
        const app = await anApp(a, user);
        const { path, url } = receiver.path([{ status: 200, afterMs: 1500 }]);
        const created = await a.http().post(`/api/v1/apps/${app.id}/webhooks`).set(user.auth).send({ url }).expect(201);
        receiver.secretFor(path, created.body.data.secret);
        await a.http().post(`/api/v1/apps/${app.id}/webhooks/${created.body.data.id}/test`).set(user.auth).expect(201);
        // A enqueued it and was woken at once: its attempt is in flight once the receiver has the request.
        expect(
          await until(
            () => receiver.at(path),
            (r) => r.length === 1,
            5_000,
          ),
        ).toHaveLength(1);
        const closing = Date.now();
        await a.close();
        aOpen = false;
        expect(Date.now() - closing).toBeGreaterThanOrEqual(1000);
        const res = await b.http().get(`/api/v1/apps/${app.id}/webhooks/${created.body.data.id}/deliveries`).set(user.auth).expect(200);
        expect(res.body.data).toEqual([expect.objectContaining({ status: 'succeeded', attemptCount: 1, responseCode: 200 })]);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(receiver.at(path)).toHaveLength(1);
      } finally {
        await Promise.all([aOpen ? a.close() : undefined, b.close()]);
      }
    });
  });
});

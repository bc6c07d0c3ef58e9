import type { Page } from 'puppeteer-core';
import { ConfigStreams } from '@superflag/runtime';
import { join } from 'node:path';
import type { OfrepPage } from './browser/ofrep-page';
import { bundle, type Chromium, launchChromium, servePage, type StaticSite } from './support/browser';
import { until } from './support/poll';
import { TestSession } from './support/session';

/** What the page's `window.ofrep` is, inside page.evaluate callbacks. */
declare const ofrep: OfrepPage;

interface Seen {
  method: string;
  url: string;
  status: number;
  at: number;
  lastEventId?: string;
}

/**
 * The real OpenFeature web SDK and OFREP web provider (bundled with esbuild) in headless Debian chromium, on a page
 * of another origin than the API (CORS), with polling off: every change has to come through the OFREP event stream.
 */
describe('OFREP in a real browser (OpenFeature web SDK + OFREP web provider, chromium)', () => {
  const s = TestSession.perSuite({ QUOTA_FREE: '100000' }, { timeoutMs: 60_000 });
  let chromium: Chromium;
  let site: StaticSite;
  let page: Page;
  let api: string;
  let pub: { id: string; key: string; auth: { Authorization: string } };
  const responses: Seen[] = [];
  /** The bulk evaluations the page made (POST; each cross-origin POST was preceded by its OPTIONS preflight). */
  const bulkResponses = (since = 0, method = 'POST') =>
    responses.filter((r) => r.at >= since && r.method === method && new URL(r.url).pathname === '/ofrep/v1/evaluate/flags');

  beforeAll(async () => {
    const started = Date.now();
    await s.flag('production', { key: 'banner', type: 'bool', value: false, clientEnabled: true });
    await s.flag('production', { key: 'greeting', type: 'string', value: 'hello', clientEnabled: true });
    await s.flag('production', { key: 'server-only', type: 'string', value: 'a', clientEnabled: false });
    pub = await s.key('production', 'pub');
    api = await s.url();
    const script = await bundle(join(__dirname, 'browser', 'ofrep-page.ts'));
    site = await servePage(script, 'OFREP web provider');
    chromium = await launchChromium();
    page = await chromium.browser.newPage();
    page.on('response', (r) =>
      responses.push({
        method: r.request().method(),
        url: r.url(),
        status: r.status(),
        at: Date.now(),
        lastEventId: r.request().headers()['last-event-id'],
      }),
    );
    await page.goto(site.url);
    console.log(`browser test set-up (app, bundle, chromium): ${Date.now() - started} ms`);
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await site?.close();
  });

  const patch = (key: string, value: unknown) =>
    s.http().patch('/api/v1/flags').set(s.user.auth).send({ appId: s.appId, env: 'production', key, value }).expect(200);

  it('evaluates from another origin on start, and opens the event stream the bulk answer names', async () => {
    expect(new URL(site.url).origin).not.toBe(new URL(api).origin);
    expect(await page.evaluate((url, key) => ofrep.start(url, key, { targetingKey: 'user-1' }), api, pub.key)).toBe('ok');
    expect(await page.evaluate(() => ofrep.status())).toBe('READY');
    expect(await page.evaluate(() => ofrep.boolean('banner', true))).toMatchObject({ value: false, reason: 'STATIC' });
    expect(await page.evaluate(() => ofrep.string('greeting', 'fallback'))).toMatchObject({ value: 'hello' });
    // A pub_ key sees client-enabled flags only.
    expect(await page.evaluate(() => ofrep.string('server-only', 'fallback'))).toMatchObject({
      value: 'fallback',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(bulkResponses()).toEqual([expect.objectContaining({ status: 200 })]);
    expect(bulkResponses(0, 'OPTIONS')).toEqual([expect.objectContaining({ status: 204 })]);
    await page.waitForFunction(() => ofrep.sse.opened === 1, { timeout: 5_000 });
    const stream = responses.find((r) => new URL(r.url).pathname === '/ofrep/v1/stream');
    expect(stream).toMatchObject({ method: 'GET', status: 200 });
    expect(new URL(stream!.url).searchParams.get('key')).toBe(pub.key);
  });

  it('gets a change through the event stream within 1 s, with polling off', async () => {
    const before = Date.now();
    await patch('banner', true);
    const acknowledged = Date.now();
    await page.waitForFunction(() => ofrep.boolean('banner', false).value === true, { timeout: 1_000, polling: 10 });
    const elapsed = Date.now() - before;
    console.log(`change seen by the page ${elapsed} ms after the PATCH was sent (${Date.now() - acknowledged} ms after its answer)`);
    expect(elapsed).toBeLessThan(1_000);
    const changed = await page.evaluate(() => ofrep.seen.filter((e) => e.event === 'PROVIDER_CONFIGURATION_CHANGED'));
    expect(changed).toEqual([expect.objectContaining({ flagsChanged: ['banner'] })]);
    // The re-fetch the stream prompted names the version announced (flagConfigEtag) and the answer held (If-None-Match).
    const refetch = bulkResponses(before);
    expect(refetch).toEqual([expect.objectContaining({ method: 'POST', status: 200 })]);
    expect(new URL(refetch[0].url).searchParams.get('flagConfigEtag')).toMatch(/^"\d+-pub-[\w-]+"$/);
  });

  it('answers the re-fetch 304 when the change leaves what the page sees as it was', async () => {
    const before = Date.now();
    // A flag pub_ keys may not see: the environment changed, the page's answer did not.
    await patch('server-only', 'b');
    const seen = await until(
      () => bulkResponses(before),
      (r) => r.length > 0,
      2_000,
    );
    expect(seen).toEqual([expect.objectContaining({ method: 'POST', status: 304 })]);
    expect(new URL(seen[0].url).searchParams.get('flagConfigEtag')).toMatch(/^"\d+-pub-/);
    const changed = await page.evaluate(() => ofrep.seen.filter((e) => e.event === 'PROVIDER_CONFIGURATION_CHANGED').length);
    expect(changed).toBe(1);
    expect(await page.evaluate(() => ofrep.boolean('banner', false))).toMatchObject({ value: true });
  });

  it('starts a reloaded page from the copy the provider kept (its default cache), revalidated with 304, and pushes to it', async () => {
    const since = Date.now();
    await page.reload();
    expect(await page.evaluate((url, key) => ofrep.start(url, key, { targetingKey: 'user-1' }), api, pub.key)).toBe('ok');
    expect(await page.evaluate(() => ofrep.boolean('banner', false))).toMatchObject({ value: true, reason: 'CACHED' });
    // Its background re-validation sends the ETag it kept: nothing it sees changed, so 304.
    const revalidated = await until(
      () => bulkResponses(since),
      (r) => r.length > 0,
      2_000,
    );
    expect(revalidated).toEqual([expect.objectContaining({ status: 304 })]);
    // The stream it reconnected from the kept eventStreams carries the next change.
    await page.waitForFunction(() => ofrep.sse.opened === 1, { timeout: 5_000 });
    await patch('greeting', 'bonjour');
    await page.waitForFunction(() => ofrep.string('greeting', 'fallback').value === 'bonjour', { timeout: 1_000, polling: 10 });
  });

  it('gets a change made while its stream was down (the server said reconnect) once EventSource reconnects with Last-Event-ID', async () => {
    const since = Date.now();
    const opened = await page.evaluate(() => ofrep.sse.opened);
    const { version } = (await s.configFor(pub).expect(200)).body.data;
    // What every stream gets when its replica shuts down: `event: reconnect`, then the end.
    s.get(ConfigStreams).beforeApplicationShutdown();
    await patch('banner', false); // no stream open to announce it: EventSource waits `retry` (2 s) before reconnecting
    await page.waitForFunction(() => ofrep.boolean('banner', true).value === false, { timeout: 5_000, polling: 10 });
    expect(await page.evaluate(() => ofrep.sse.opened)).toBe(opened + 1);
    const reconnected = responses.filter((r) => r.at >= since && new URL(r.url).pathname === '/ofrep/v1/stream');
    expect(reconnected).toEqual([expect.objectContaining({ status: 200, lastEventId: String(version) })]);
    // Told at once by the reconnected stream (no polling): the re-fetch names the version it announced.
    const refetch = bulkResponses(since);
    expect(refetch).toEqual([expect.objectContaining({ status: 200 })]);
    expect(new URL(refetch[0].url).searchParams.get('flagConfigEtag')).toMatch(new RegExp(`^"${version + 1}-pub-`));
  });

  it('gets 401 once its key is revoked: the stream says re-fetch, and the provider goes to ERROR', async () => {
    const before = Date.now();
    await s.http().delete('/api/v1/keys').query({ keyId: pub.id }).set(s.user.auth).expect(200);
    const refused = await until(
      () => bulkResponses(before),
      (r) => r.length > 0,
      2_000,
    );
    expect(refused).toEqual([expect.objectContaining({ method: 'POST', status: 401 })]);
    await page.waitForFunction(() => ofrep.seen.some((e) => e.event === 'PROVIDER_STALE'), { timeout: 2_000 });
    // The next evaluation the application asks for (a new user) is refused: the provider reports the error.
    await page.evaluate(() => ofrep.setContext({ targetingKey: 'user-2' }));
    const errors = await page.evaluate(() => ofrep.seen.filter((e) => e.event === 'PROVIDER_ERROR'));
    expect(errors).toEqual([expect.objectContaining({ status: 'ERROR', message: expect.stringMatching(/unauthorized/i) })]);
    // That one, and the re-fetch before it (and any retry of the provider's since): all refused.
    const statuses = bulkResponses(before).map((r) => r.status);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(new Set(statuses)).toEqual(new Set([401]));

    // A page loaded again with the revoked key does not start: its provider is in error from the first request (it
    // has no flags of user-1 in localStorage to start from: the context change above dropped them).
    const since = Date.now();
    await page.reload();
    expect(await page.evaluate((url, key) => ofrep.start(url, key, { targetingKey: 'user-1' }), api, pub.key)).toMatch(/^failed: /);
    expect(await page.evaluate(() => ofrep.status())).toMatch(/^(ERROR|FATAL)$/);
    expect(await page.evaluate(() => ofrep.boolean('banner', false))).toMatchObject({ value: false, reason: 'ERROR' });
    expect(bulkResponses(since).map((r) => r.status)).toEqual([401]);
  });
});

import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { startApp, TestApp } from './support/app';
import { aFlag, aKey, anApp, aUser, TestAppRecord, TestUser } from './support/factories';

describe('OpenFeature Remote Evaluation Protocol (OFREP)', () => {
  let t: TestApp;
  let user: TestUser;
  let app: TestAppRecord;
  let sdk: { key: string; auth: { Authorization: string } };
  let pub: { key: string; auth: { Authorization: string } };
  beforeAll(async () => {
    t = await startApp({ QUOTA_FREE: '100000' });
    user = await aUser(t);
    app = await anApp(t, user);
    await aFlag(t, user, app, 'production', { key: 'dark-mode', type: 'bool', value: false, clientEnabled: true });
    await aFlag(t, user, app, 'production', { key: 'greeting', type: 'string', value: 'hello', clientEnabled: false });
    await aFlag(t, user, app, 'production', { key: 'limit', type: 'number', value: 10, clientEnabled: true });
    await aFlag(t, user, app, 'production', { key: 'theme', type: 'json', value: { colour: 'blue' }, clientEnabled: true });
    await t.http().patch(`/api/apps/${app.id}/flags/specific-targets/${app.envs.production}`).set(user.auth)
      .send({ updates: [{ flagKey: 'dark-mode', value: true, userId: 'u-dark' }] }).expect(200);
    sdk = await aKey(t, user, app, 'production', 'sdk');
    pub = await aKey(t, user, app, 'production', 'pub');
  });
  afterAll(() => t.close());

  it('evaluates one flag with the OFREP success shape', async () => {
    const res = await t.http().post('/ofrep/v1/evaluate/flags/dark-mode').set(sdk.auth).send({ context: { targetingKey: 'u-dark' } }).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ key: 'dark-mode', value: true, reason: 'TARGETING_MATCH', variant: 'user-target', metadata: {} });
    const plain = await t.http().post('/ofrep/v1/evaluate/flags/limit').set(sdk.auth).send({ context: { targetingKey: 'anyone' } }).expect(200);
    expect(plain.body).toEqual({ key: 'limit', value: 10, reason: 'STATIC', variant: 'default', metadata: {} });
  });

  it('answers each error in its OFREP shape', async () => {
    const missing = await t.http().post('/ofrep/v1/evaluate/flags/nope').set(sdk.auth).send({ context: {} }).expect(404);
    expect(missing.body).toMatchObject({ key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag nope does not exist' });
    const hidden = await t.http().post('/ofrep/v1/evaluate/flags/greeting').set(pub.auth).send({ context: {} }).expect(404);
    expect(hidden.body).toMatchObject({ key: 'greeting', errorCode: 'FLAG_NOT_FOUND' });
    const invalid = await t.http().post('/ofrep/v1/evaluate/flags/limit').set(sdk.auth).send({ context: { targetingKey: { nested: 1 } } }).expect(400);
    expect(invalid.body).toMatchObject({ key: 'limit', errorCode: 'INVALID_CONTEXT' });
    const invalidBulk = await t.http().post('/ofrep/v1/evaluate/flags').set(sdk.auth).send({ context: 'user-1' }).expect(400);
    expect(invalidBulk.body).toMatchObject({ errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be an object' });
    await t.http().post('/ofrep/v1/evaluate/flags/limit').send({ context: {} }).expect(401);
    await t.http().post('/ofrep/v1/evaluate/flags').set(user.auth).send({ context: {} }).expect(401);
  });

  it('answers 429 with Retry-After when the monthly quota is spent', async () => {
    const small = await startApp({ QUOTA_FREE: '3' });
    try {
      const u = await aUser(small);
      const a = await anApp(small, u);
      const key = await aKey(small, u, a, 'production', 'sdk'); // 1
      await small.http().post('/ofrep/v1/evaluate/flags').set(key.auth).send({ context: {} }).expect(200); // 2
      await small.http().post('/ofrep/v1/evaluate/flags').set(key.auth).send({ context: {} }).expect(200); // 3
      const res = await small.http().post('/ofrep/v1/evaluate/flags/x').set(key.auth).send({ context: {} }).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it('evaluates in bulk with an ETag and answers 304 for the same flags and context', async () => {
    const res = await t.http().post('/ofrep/v1/evaluate/flags').set(pub.auth).send({ context: { targetingKey: 'u-dark' } }).expect(200);
    expect(res.body).toEqual({
      flags: [
        { key: 'dark-mode', value: true, reason: 'TARGETING_MATCH', variant: 'user-target', metadata: {} },
        { key: 'limit', value: 10, reason: 'STATIC', variant: 'default', metadata: {} },
        { key: 'theme', value: { colour: 'blue' }, reason: 'STATIC', variant: 'default', metadata: {} },
      ],
    });
    const etag = res.headers.etag;
    expect(etag).toMatch(/^"\d+-pub-/);
    const same = await t.http().post('/ofrep/v1/evaluate/flags').set(pub.auth).set('If-None-Match', etag).send({ context: { targetingKey: 'u-dark' } }).expect(304);
    expect(same.text).toBe('');
    const otherContext = await t.http().post('/ofrep/v1/evaluate/flags').set(pub.auth).set('If-None-Match', etag).send({ context: { targetingKey: 'someone' } }).expect(200);
    expect(otherContext.body.flags[0]).toMatchObject({ key: 'dark-mode', value: false });
  });

  it('works with the real OpenFeature server SDK and OFREP provider, and sees a change after an update', async () => {
    const provider = new OFREPProvider({ baseUrl: await t.url(), headers: [['Authorization', `Bearer ${sdk.key}`]] });
    await OpenFeature.setProviderAndWait(provider);
    const client = OpenFeature.getClient();
    try {
      expect(await client.getBooleanValue('dark-mode', false, { targetingKey: 'u-dark' })).toBe(true);
      const details = await client.getBooleanDetails('dark-mode', true, { targetingKey: 'someone-else' });
      expect(details).toMatchObject({ value: false, reason: 'DEFAULT' });
      expect(await client.getStringValue('greeting', 'fallback', { targetingKey: 'x' })).toBe('hello');
      expect(await client.getNumberValue('limit', 0, { targetingKey: 'x' })).toBe(10);
      expect(await client.getObjectValue('theme', {}, { targetingKey: 'x' })).toEqual({ colour: 'blue' });
      const missing = await client.getStringDetails('does-not-exist', 'fallback', { targetingKey: 'x' });
      expect(missing).toMatchObject({ value: 'fallback', errorCode: 'FLAG_NOT_FOUND' });

      await t.http().patch('/api/v1/flags').set(user.auth).send({ appId: app.id, env: 'production', key: 'greeting', value: 'bonjour' }).expect(200);
      expect(await client.getStringValue('greeting', 'fallback', { targetingKey: 'x' })).toBe('bonjour');
    } finally {
      await OpenFeature.close();
    }
  });
});

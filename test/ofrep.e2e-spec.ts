import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { TestSession } from './support/session';

describe('OpenFeature Remote Evaluation Protocol (OFREP)', () => {
  const s = TestSession.perSuite({ QUOTA_FREE: '100000' });
  let sdk: { key: string; auth: { Authorization: string } };
  let pub: { key: string; auth: { Authorization: string } };
  beforeAll(async () => {
    await s.flag('production', { key: 'dark-mode', type: 'bool', value: false, clientEnabled: true });
    await s.flag('production', { key: 'greeting', type: 'string', value: 'hello', clientEnabled: false });
    await s.flag('production', { key: 'limit', type: 'number', value: 10, clientEnabled: true });
    await s.flag('production', { key: 'theme', type: 'json', value: { colour: 'blue' }, clientEnabled: true });
    await s
      .http()
      .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
      .set(s.user.auth)
      .send({ updates: [{ flagKey: 'dark-mode', value: true, userId: 'u-dark' }] })
      .expect(200);
    sdk = await s.key('production', 'sdk');
    pub = await s.key('production', 'pub');
  });

  it('evaluates one flag with the OFREP success shape', async () => {
    const res = await s
      .http()
      .post('/ofrep/v1/evaluate/flags/dark-mode')
      .set(sdk.auth)
      .send({ context: { targetingKey: 'u-dark' } })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ key: 'dark-mode', value: true, reason: 'TARGETING_MATCH', variant: 'user-target', metadata: {} });
    const plain = await s
      .http()
      .post('/ofrep/v1/evaluate/flags/limit')
      .set(sdk.auth)
      .send({ context: { targetingKey: 'anyone' } })
      .expect(200);
    expect(plain.body).toEqual({ key: 'limit', value: 10, reason: 'STATIC', variant: 'default', metadata: {} });
  });

  it('answers each error in its OFREP shape', async () => {
    const missing = await s.http().post('/ofrep/v1/evaluate/flags/nope').set(sdk.auth).send({ context: {} }).expect(404);
    expect(missing.body).toMatchObject({ key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag nope does not exist' });
    const hidden = await s.http().post('/ofrep/v1/evaluate/flags/greeting').set(pub.auth).send({ context: {} }).expect(404);
    expect(hidden.body).toMatchObject({ key: 'greeting', errorCode: 'FLAG_NOT_FOUND' });
    const invalid = await s
      .http()
      .post('/ofrep/v1/evaluate/flags/limit')
      .set(sdk.auth)
      .send({ context: { targetingKey: { nested: 1 } } })
      .expect(400);
    expect(invalid.body).toMatchObject({ key: 'limit', errorCode: 'INVALID_CONTEXT' });
    const invalidBulk = await s.http().post('/ofrep/v1/evaluate/flags').set(sdk.auth).send({ context: 'user-1' }).expect(400);
    expect(invalidBulk.body).toMatchObject({ errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be an object' });
    await s.http().post('/ofrep/v1/evaluate/flags/limit').send({ context: {} }).expect(401);
    await s.http().post('/ofrep/v1/evaluate/flags').set(s.user.auth).send({ context: {} }).expect(401);
  });

  it('answers 429 with Retry-After when the monthly quota is spent', async () => {
    const small = await TestSession.start({ QUOTA_FREE: '3' });
    try {
      const key = await small.key('production', 'sdk'); // 1
      await small.http().post('/ofrep/v1/evaluate/flags').set(key.auth).send({ context: {} }).expect(200); // 2
      await small.http().post('/ofrep/v1/evaluate/flags').set(key.auth).send({ context: {} }).expect(200); // 3
      const res = await small.http().post('/ofrep/v1/evaluate/flags/x').set(key.auth).send({ context: {} }).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it('evaluates in bulk with an ETag and answers 304 for the same flags and context', async () => {
    const res = await s
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set(pub.auth)
      .send({ context: { targetingKey: 'u-dark' } })
      .expect(200);
    expect(res.body).toEqual({
      flags: [
        { key: 'dark-mode', value: true, reason: 'TARGETING_MATCH', variant: 'user-target', metadata: {} },
        { key: 'limit', value: 10, reason: 'STATIC', variant: 'default', metadata: {} },
        { key: 'theme', value: { colour: 'blue' }, reason: 'STATIC', variant: 'default', metadata: {} },
      ],
    });
    const etag = res.headers.etag;
    expect(etag).toMatch(/^"\d+-pub-/);
    const same = await s
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set(pub.auth)
      .set('If-None-Match', etag)
      .send({ context: { targetingKey: 'u-dark' } })
      .expect(304);
    expect(same.text).toBe('');
    const otherContext = await s
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set(pub.auth)
      .set('If-None-Match', etag)
      .send({ context: { targetingKey: 'someone' } })
      .expect(200);
    expect(otherContext.body.flags[0]).toMatchObject({ key: 'dark-mode', value: false });
  });

  it('works with the real OpenFeature server SDK and OFREP provider, and sees a change after an update', async () => {
    const provider = new OFREPProvider({ baseUrl: await s.url(), headers: [['Authorization', `Bearer ${sdk.key}`]] });
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

      await s
        .http()
        .patch('/api/v1/flags')
        .set(s.user.auth)
        .send({ appId: s.appId, env: 'production', key: 'greeting', value: 'bonjour' })
        .expect(200);
      expect(await client.getStringValue('greeting', 'fallback', { targetingKey: 'x' })).toBe('bonjour');
    } finally {
      await OpenFeature.close();
    }
  });
});

import { TestAppRecord } from './support/factories';
import { TestSession } from './support/session';

/**
 * Runtime ETags name the environment: versions count per environment, so two environments at the same version
 * used to answer the same ETag (`"1-sdk"`) and a client that switched keys could be told 304 for the other
 * environment's flags.
 */
describe('runtime ETags across environments', () => {
  const s = TestSession.perSuite();
  let other: TestAppRecord;
  beforeAll(async () => {
    other = await s.newApp();
    // Three environments at version 1, each with a different value.
    await s.flag('production', { key: 'color', type: 'string', value: 'red', clientEnabled: true });
    await s.flag('staging', { key: 'color', type: 'string', value: 'green', clientEnabled: true });
    await s.flag('production', { key: 'color', type: 'string', value: 'blue', clientEnabled: true }, other);
  });

  it.each(['sdk', 'pub'] as const)(
    'config: a %s key gets 200, not 304, for the ETag of another environment at the same version',
    async (type) => {
      const keys = [await s.key('production', type), await s.key('staging', type), await s.key('production', type, other)];
      const reads = await Promise.all(keys.map((k) => s.configFor(k).expect(200)));
      expect(reads.map((r) => r.body.data)).toEqual([
        { version: 1, flags: { color: 'red' } },
        { version: 1, flags: { color: 'green' } },
        { version: 1, flags: { color: 'blue' } },
      ]);
      const etags = reads.map((r) => r.headers.etag as string);
      for (const etag of etags) expect(etag).toMatch(new RegExp(`^"1-${type}-[\\w-]{10}"$`));
      expect(new Set(etags).size).toBe(3);

      for (let i = 0; i < keys.length; i++) {
        // Its own ETag: 304.
        await s.configFor(keys[i]).set('If-None-Match', etags[i]).expect(304);
        // Another environment's (same version, same key type): the full body of its own environment.
        const switched = await s
          .configFor(keys[i])
          .set('If-None-Match', etags[(i + 1) % 3])
          .expect(200);
        expect(switched.body.data).toEqual(reads[i].body.data);
        expect(switched.headers.etag).toBe(etags[i]);
      }
    },
  );

  it('config: the ETag is stable for an environment and version (every replica, every read) and changes with either', async () => {
    const key = await s.key('staging', 'sdk', other);
    const first = await s.configFor(key).expect(200);
    const again = await s.configFor(key).expect(200);
    expect(again.headers.etag).toBe(first.headers.etag);
    await s.flag('staging', { key: 'new', type: 'bool', value: true }, other);
    const changed = await s.configFor(key).set('If-None-Match', first.headers.etag).expect(200);
    expect(changed.headers.etag).toBe(first.headers.etag.replace(/^"0-/, '"1-'));
  });

  it("OFREP bulk: the same context in another environment at the same version is 200 with that environment's flags", async () => {
    const prod = await s.key('production', 'pub');
    const elsewhere = await s.key('production', 'pub', other);
    const body = { context: { targetingKey: 'user-1' } };
    const a = await s.http().post('/ofrep/v1/evaluate/flags').set(prod.auth).send(body).expect(200);
    const b = await s.http().post('/ofrep/v1/evaluate/flags').set(elsewhere.auth).send(body).expect(200);
    expect(a.headers.etag).toMatch(/^"1-pub-/);
    expect(b.headers.etag).toMatch(/^"1-pub-/);
    expect(a.headers.etag).not.toBe(b.headers.etag);

    await s.http().post('/ofrep/v1/evaluate/flags').set(prod.auth).set('If-None-Match', a.headers.etag).send(body).expect(304);
    const switched = await s
      .http()
      .post('/ofrep/v1/evaluate/flags')
      .set(elsewhere.auth)
      .set('If-None-Match', a.headers.etag)
      .send(body)
      .expect(200);
    expect(switched.body.flags).toEqual([expect.objectContaining({ key: 'color', value: 'blue' })]);
    expect(switched.headers.etag).toBe(b.headers.etag);
  });
});

import { aFlag } from './support/factories';
import { TestSession } from './support/session';

/** Many writers on one environment: no lost updates, no duplicate or skipped versions. */
describe('flags: concurrent writers on one environment', () => {
  const s = TestSession.perSuite({}, { user: false });

  it('20 writers x 10 writes: the final version equals the successful writes and every flag holds its last acknowledged value', async () => {
    const { user, app } = await s.newUserWithApp();
    const WRITERS = 20;
    const WRITES = 10;
    for (let w = 0; w < WRITERS; w++) await aFlag(s, user, app, 'production', { key: `w${w}`, type: 'number', value: -1 });
    const start = WRITERS;

    const acknowledged = new Map<string, number>();
    const versions: number[] = [];
    let failures = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < WRITES; i++) {
          // Each writer alternates single updates and bulk updates touching its own flag and a shared one.
          const res =
            i % 2 === 0
              ? await s
                  .http()
                  .patch('/api/v1/flags')
                  .set(user.auth)
                  .send({ appId: app.id, env: 'production', key: `w${w}`, value: i })
              : await s
                  .http()
                  .patch('/api/v1/flags/bulk')
                  .set(user.auth)
                  .send({ appId: app.id, env: 'production', flags: { [`w${w}`]: i } });
          if (res.status === 200) {
            acknowledged.set(`w${w}`, i);
            versions.push(res.body.data.version);
          } else {
            failures++;
          }
        }
      }),
    );

    expect(failures).toBe(0);
    expect(versions).toHaveLength(WRITERS * WRITES);
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS * WRITES }, (_, i) => start + i + 1));
    const res = await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
    expect(res.headers.etag).toBe(`"${start + WRITERS * WRITES}"`);
    for (const [key, value] of acknowledged) expect(res.body.data[key].value).toBe(value);

    const history = await s
      .http()
      .get('/api/v1/changes')
      .query({ appId: app.id, env: 'production', limit: 200 })
      .set(user.auth)
      .expect(200);
    expect(history.body.data.map((c: { version: number }) => c.version)).toEqual(
      Array.from({ length: 200 }, (_, i) => start + WRITERS * WRITES - i),
    );
  });

  it('concurrent creates of one key: exactly one wins, the others get 409, one version each', async () => {
    const { user, app } = await s.newUserWithApp();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.http().post('/api/v1/flags').set(user.auth).send({ appId: app.id, env: 'staging', key: 'race', type: 'number', value: i }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    const res = await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'staging' }).set(user.auth).expect(200);
    expect(res.headers.etag).toBe('"1"');
  });

  it('concurrent If-Match writers at one version: exactly one succeeds, the rest get 412', async () => {
    const { user, app } = await s.newUserWithApp();
    const { version } = await aFlag(s, user, app, 'development', { key: 'cas', type: 'number', value: 0 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        s
          .http()
          .patch('/api/v1/flags')
          .set(user.auth)
          .set('If-Match', `"${version}"`)
          .send({ appId: app.id, env: 'development', key: 'cas', value: i + 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(7);
    for (const r of results.filter((x) => x.status === 412))
      expect(r.body).toEqual({ error: 'Version conflict', currentVersion: version + 1 });
  });
});

import fc from 'fast-check';
import { TestSession } from './support/session';

/** Random bodies to every flag write: only ever 2xx or 4xx with an `error`, never a 5xx. */
describe('flags: random input never causes a 5xx', () => {
  const s = TestSession.perSuite();
  beforeAll(async () => {
    await s.flag('production', { key: 'known', type: 'number', value: 1 });
  });

  const anyValue = fc.oneof(fc.jsonValue(), fc.constant(undefined));
  const anyKey = fc.oneof(fc.constantFrom('known', 'missing', 'a.b_c-d', '', ' ', '../x', 'k'.repeat(129)), fc.string({ maxLength: 20 }));
  const anyType = fc.oneof(fc.constantFrom('bool', 'string', 'number', 'json', 'enum', ''), fc.jsonValue());
  const anyEnv = fc.oneof(fc.constantFrom('production', 'staging', 'nope', ''), fc.jsonValue());
  const body = (fields: Record<string, fc.Arbitrary<unknown>>) =>
    fc.record({ appId: fc.oneof(fc.constant(undefined), fc.jsonValue()), env: anyEnv, ...fields }, { requiredKeys: [] });

  const check = (status: number, responseBody: unknown) => {
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    if (status >= 400) expect(typeof (responseBody as { error?: unknown }).error).toBe('string');
  };
  const withApp = (b: Record<string, unknown>, useRealApp: boolean) => (useRealApp ? { ...b, appId: s.appId } : b);

  it('POST /flags', async () => {
    await fc.assert(
      fc.asyncProperty(
        body({ key: anyKey, type: anyType, value: anyValue, clientEnabled: anyValue, description: anyValue, extra: anyValue }),
        fc.boolean(),
        async (b, real) => {
          const res = await s.http().post('/api/v1/flags').set(s.user.auth).send(withApp(b, real));
          check(res.status, res.body);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('PATCH /flags', async () => {
    await fc.assert(
      fc.asyncProperty(
        body({ key: anyKey, type: anyType, value: anyValue, clientEnabled: anyValue, expectedVersion: anyValue }),
        fc.boolean(),
        async (b, real) => {
          const res = await s.http().patch('/api/v1/flags').set(s.user.auth).send(withApp(b, real));
          check(res.status, res.body);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('PATCH /flags/bulk', async () => {
    const flags = fc.oneof(fc.dictionary(anyKey, fc.jsonValue(), { maxKeys: 5 }), fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(body({ flags, changeDescription: anyValue }), fc.boolean(), async (b, real) => {
        const res = await s.http().patch('/api/v1/flags/bulk').set(s.user.auth).send(withApp(b, real));
        check(res.status, res.body);
      }),
      { numRuns: 150 },
    );
  });

  it('the flag keeps a value of its type whatever was thrown at it', async () => {
    const res = await s.http().get('/api/v1/flags/known').query(s.at('production')).set(s.user.auth).expect(200);
    expect(res.body.data.type).toBe('number');
    expect(typeof res.body.data.value).toBe('number');
  });
});

/**
 * The runtime hot path is served by Fastify without Nest's per-request pipeline (@DirectRoute(), libs/core/src/http/
 * direct-routes.ts). These tests prove it is in effect and that nothing around it changed: the routes are still in
 * the OpenAPI document, counted exactly by the monthly quota, measured by route pattern, answered through the one
 * error filter, with their CORS headers.
 */
import { AuthGuard } from '../libs/auth/src/auth.guard';
import { openApiDocument } from '../apps/api/src/bootstrap';
import { TestSession } from './support/session';

describe('runtime routes served directly by Fastify', () => {
  const s = TestSession.perSuite({ QUOTA_FREE: '12', QUOTAS_ENABLED: 'true' });

  it("answers GET /api/v1/config and POST /api/v1/evaluate without running Nest's guards, and keeps every route in the OpenAPI document", async () => {
    const sdk = await s.key('production', 'sdk');
    const guard = jest.spyOn(AuthGuard.prototype, 'canActivate');
    try {
      await s.http().get('/api/v1/config').set(sdk.auth).expect(200);
      await s.http().post('/api/v1/evaluate').set(sdk.auth).send({}).expect(200);
      expect(guard).not.toHaveBeenCalled();
      // Streams and management routes keep Nest's pipeline.
      await s.http().get('/api/v1/flags').query(s.at('production')).set(s.user.auth).expect(200);
      expect(guard).toHaveBeenCalledTimes(1);
    } finally {
      guard.mockRestore();
    }
    const paths = openApiDocument(s.app).paths;
    expect(paths['/api/v1/config']?.get?.operationId).toBe('Config_config');
    expect(paths['/api/v1/config']?.options).toBeDefined();
    expect(paths['/api/v1/evaluate']?.post?.responses?.['200']).toBeDefined();
    expect(Object.keys(paths['/api/v1/evaluate']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['400', '401', '429']));
  });

  it('counts each answered request exactly once (304 included), refuses past the quota with the quota headers, and answers errors through the filter', async () => {
    await s.flag('production', { key: 'beta', type: 'bool', value: false });
    const sdk = await s.key('production', 'sdk');
    const pub = await s.key('production', 'pub');
    const q = s.at('production');
    const used = async () => (await s.http().get('/api/v1/usage').query(q).set(s.user.auth).expect(200)).body.data.used as number;
    // 4 in the test above (a key, a config read, an evaluation, a flag list); here the flag and two keys (usage reads are not counted).
    expect(await used()).toBe(7);

    const first = await s.http().get('/api/v1/config').set(sdk.auth).expect(200); // 8
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['x-ratelimit-remaining']).toBe('4');
    expect(first.headers['x-request-id']).toBeDefined();
    expect(first.headers['access-control-allow-origin']).toBeUndefined();
    expect(first.body).toEqual({ data: { version: 1, flags: { beta: false } } });
    await s.http().get('/api/v1/config').set(sdk.auth).set('If-None-Match', first.headers.etag).expect(304); // 9
    const browser = await s.http().get('/api/v1/config').set(pub.auth).expect(200); // 10
    expect(browser.headers['access-control-allow-origin']).toBe('*');
    expect(browser.headers['access-control-expose-headers']).toBe('ETag');

    const evaluated = await s
      .http()
      .post('/api/v1/evaluate')
      .set(sdk.auth)
      .send({ context: { userId: 'u1' } })
      .expect(200); // 7
    expect(evaluated.body).toEqual({ data: { version: 1, flags: { beta: { value: false, reason: 'STATIC', variant: 'default' } } } });
    // Refused by the route's own rules, through the global error filter: {"error": …}, nothing counted for a bad key.
    expect((await s.http().post('/api/v1/evaluate').set(sdk.auth).send({ context: 'nope' }).expect(400)).body).toEqual({
      error: 'context must be an object',
    }); // 12: counted before the context is read, as before
    expect(
      (
        await s
          .http()
          .get('/api/v1/config')
          .set('Authorization', `Bearer sdk_prod_${'Z'.repeat(43)}`)
          .expect(401)
      ).body,
    ).toEqual({
      error: 'Not authenticated',
    });
    expect(await used()).toBe(12);
    const refused = await s.http().get('/api/v1/config').set(sdk.auth).expect(429);
    expect(refused.body).toEqual({ error: 'Monthly quota exceeded' });
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await used()).toBe(12);
  });

  it('measures the routes by pattern and status, as before', async () => {
    const text = (await s.http().get('/metrics').expect(200)).text;
    const count = (route: string, method: string, status: number) =>
      Number(
        new RegExp(`superflag_http_requests_total\\{method="${method}",route="${route}",status="${status}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
      );
    expect(count('/api/v1/config', 'GET', 200)).toBe(3);
    expect(count('/api/v1/config', 'GET', 304)).toBe(1);
    expect(count('/api/v1/config', 'GET', 401)).toBe(1);
    expect(count('/api/v1/config', 'GET', 429)).toBe(1);
    expect(count('/api/v1/evaluate', 'POST', 200)).toBe(2);
    expect(count('/api/v1/evaluate', 'POST', 400)).toBe(1);
  });
});

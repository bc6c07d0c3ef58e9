import { unique } from './support/factories';
import { TestSession } from './support/session';

describe('HTTP errors, health and docs', () => {
  const s = TestSession.perSuite({ BODY_LIMIT: '65536' }, { user: false });

  it('answers unknown routes with 404 Route not found', async () => {
    expect((await s.http().get('/api/v1/nothing-here').expect(404)).body).toEqual({ error: 'Route not found' });
    expect((await s.http().put('/api/v1/apps').expect(404)).body).toEqual({ error: 'Route not found' });
  });

  it('answers malformed JSON with 400 Invalid JSON body and creates nothing', async () => {
    const user = await s.newUser();
    const res = await s
      .http()
      .post('/api/v1/apps')
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send('{"name": "half')
      .expect(400);
    expect(res.body).toEqual({ error: 'Invalid JSON body' });
    expect((await s.http().get('/api/v1/apps').set(user.auth)).body.data).toEqual([]);
  });

  it('answers a JSON value that is not an object with 400', async () => {
    const user = await s.newUser();
    for (const body of ['[1,2]', '"app"', '42', 'null']) {
      const res = await s.http().post('/api/v1/apps').set(user.auth).set('Content-Type', 'application/json').send(body).expect(400);
      expect(res.body).toEqual({ error: 'Request body must be a JSON object' });
    }
  });

  it('answers a body over the limit with 413', async () => {
    const user = await s.newUser();
    const res = await s
      .http()
      .post('/api/v1/apps')
      .set(user.auth)
      .send({ name: 'x'.repeat(70_000) })
      .expect(413);
    expect(res.body).toEqual({ error: 'Request body too large' });
  });

  it('answers an unsupported content type with 415 and a missing body with 400', async () => {
    const user = await s.newUser();
    const xml = await s.http().post('/api/v1/apps').set(user.auth).set('Content-Type', 'application/xml').send('<app/>').expect(415);
    expect(xml.body).toEqual({ error: 'Unsupported media type' });
    const none = await s.http().post('/api/v1/apps').set(user.auth).expect(400);
    expect(none.body).toEqual({ error: 'Request body must be a JSON object' });
  });

  it('never answers bad input with a stack trace or SQL', async () => {
    const user = await s.newUser();
    const responses = await Promise.all([
      s.http().get('/api/v1/apps/%27%20OR%201=1--').set(user.auth),
      s.http().get('/api/v1/envs').query({ appId: "'; DROP TABLE apps; --" }).set(user.auth),
      s
        .http()
        .get('/api/v1/apps/' + 'x'.repeat(5000))
        .set(user.auth),
      s
        .http()
        .post('/api/v1/auth/login')
        .send({ email: `${unique('x')}@example.com`, password: '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000' }),
    ]);
    for (const res of responses) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(Object.keys(res.body)).toContain('error');
      expect(JSON.stringify(res.body)).not.toMatch(/SELECT|INSERT|at \w+ \(|QueryFailed/);
    }
  });

  it('reports liveness and readiness', async () => {
    expect((await s.http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await s.http().get('/health/ready').expect(200);
    // Redis connects in the background: right after start-up it may not be ready yet.
    expect(ready.body).toEqual({
      status: 'ok',
      database: 'up',
      redis: s.config.REDIS_URL ? expect.stringMatching(/^(up|degraded)$/) : 'off',
    });
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await s.http().get('/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});

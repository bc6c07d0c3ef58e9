import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestSession } from './support/session';

/** The committed openapi.json is what clients (and the CLI's generated client) are built from: it must match the code. */
describe('OpenAPI document', () => {
  const s = TestSession.perSuite({}, { user: false });

  it('is served at /docs-json and equals the committed openapi.json (run `npm run openapi` when this fails)', async () => {
    const served = (await s.http().get('/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    expect(served).toEqual(committed);
  });

  it('documents every route with a success response, the bearer schemes on management routes and each error status', async () => {
    const doc = (await s.http().get('/docs-json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.cli).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.components.securitySchemes.key).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.components.securitySchemes.mgmt).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, { responses: Record<string, unknown>; security?: unknown[] }>).map(([method, op]) => ({
        path,
        method,
        op,
      })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(17);
    const publicPaths = ['/health/live', '/health/ready', '/api/v1/auth/signup', '/api/v1/auth/login'];
    // What only a person can do (their account and tokens, creating apps, operator plan changes): cli_ tokens only.
    const usersOnly = [
      '/api/v1/auth/me',
      '/api/v1/auth/logout',
      '/api/v1/auth/tokens',
      '/api/v1/auth/tokens/{id}',
      'post /api/v1/apps',
      '/api/v1/apps/{id}/plan',
      '/api/v1/auth/password',
      '/api/v1/auth/tokens/revoke-all',
      '/api/v1/operators',
      '/api/v1/operators/{userId}',
      '/api/v1/operators/audit',
    ];
    for (const { path, method, op } of operations) {
      const statuses = Object.keys(op.responses);
      expect({ path, method, success: statuses.some((s) => s.startsWith('2')) }).toEqual({ path, method, success: true });
      if (method === 'options') continue;
      if (path.startsWith('/api/v1/config') || path.startsWith('/api/v1/evaluate') || path.startsWith('/ofrep/')) {
        expect({ path, method, security: op.security }).toEqual({ path, method, security: [{ key: [] }] });
        expect({ path, method, has401: statuses.includes('401') }).toEqual({ path, method, has401: true });
      } else if (path === '/metrics') {
        // Scraped with METRICS_TOKEN when the server sets one, never with a cli_ token.
        expect({ path, method, security: op.security }).toEqual({ path, method, security: [{ metrics: [] }] });
        expect({ path, method, has401: statuses.includes('401') }).toEqual({ path, method, has401: true });
      } else if (!publicPaths.includes(path)) {
        const security = usersOnly.includes(path) || usersOnly.includes(`${method} ${path}`) ? [{ cli: [] }] : [{ cli: [] }, { mgmt: [] }];
        expect({ path, method, security: op.security }).toEqual({ path, method, security });
        expect({ path, method, has401: statuses.includes('401') }).toEqual({ path, method, has401: true });
      }
    }
  });

  it('describes the route table the service really serves', async () => {
    const doc = (await s.http().get('/docs-json').expect(200)).body;
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const fastify = s.app.getHttpAdapter().getInstance();
    const served = fastify
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((l: string) => l.includes('('));
    expect(served.length).toBeGreaterThan(0);
    for (const route of documented) {
      const [method, path] = route.split(' ');
      const url = path.replace(/\{(\w+)\}/g, 'x');
      const found = fastify.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') }) || fastify.hasRoute({ method, url });
      expect({ route, found }).toEqual({ route, found: true });
    }
  });
});

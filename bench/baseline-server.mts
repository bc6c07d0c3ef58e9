// The baseline: bare Fastify answering fixed bytes, the best any Node service can do here for the same wire.
//   node baseline-server.mts <port> --routes <routes.json>   routes: [{ method, path, file, status, headers, etag }]
//   node baseline-server.mts <port> <payloadFile>            (older form) GET /api/v1/config answering the file
// Port 0 picks a free one; the parent (fork) gets { port } as a message once it listens. JSON request bodies are
// parsed by Fastify's own parser, as the service parses them. Started by startBaseline() in bench/support.mts.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  file: string;
  status: number;
  headers: Record<string, string>;
  etag?: string;
}

const [, , port, ...rest] = process.argv;
const routes: RouteSpec[] =
  rest[0] === '--routes'
    ? JSON.parse(readFileSync(rest[1], 'utf8'))
    : [{ method: 'GET', path: '/api/v1/config', file: rest[0], status: 200, headers: { 'cache-control': 'no-cache' }, etag: '"1-sdk"' }];

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
for (const route of routes) {
  const body = readFileSync(route.file);
  const headers = { 'content-type': 'application/json; charset=utf-8', ...route.headers, ...(route.etag ? { etag: route.etag } : {}) };
  app.route({
    method: route.method,
    url: route.path,
    handler: (request, reply) => {
      reply.headers(headers);
      if (route.etag && request.headers['if-none-match'] === route.etag) return reply.code(304).send();
      return reply.code(route.status).send(body);
    },
  });
}
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });

// The baseline: bare Fastify answering fixed bytes, the best any Node service can do here for the same wire.
//   node baseline-server.mts <port> --routes <routes.json>   routes: [{ method, path, file, status, headers, etag }]
//   node baseline-server.mts <port> <payloadFile>            (older form) GET /api/v1/config answering the file
// Port 0 picks a free one; the parent (fork) gets { port } as a message once it listens. JSON request bodies are
// parsed by Fastify's own parser, as the service parses them. Started by startBaseline() in bench/support.mts.
// A route with `sse: true` is an event stream: each GET is held open and sent the file's bytes (an SSE event)
// at once and again on every `POST /__publish` (answered 204 once written to every open stream).
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  file: string;
  status: number;
  headers: Record<string, string>;
  etag?: string;
  sse?: boolean;
}

const [, , port, ...rest] = process.argv;
const routes: RouteSpec[] =
  rest[0] === '--routes'
    ? JSON.parse(readFileSync(rest[1], 'utf8'))
    : [{ method: 'GET', path: '/api/v1/config', file: rest[0], status: 200, headers: { 'cache-control': 'no-cache' }, etag: '"1-sdk"' }];

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
/** Open event streams and the event each is sent. */
const streams = new Map<ServerResponse, Buffer>();
app.post('/__publish', (_request, reply) => {
  for (const [response, event] of streams) response.write(event);
  return reply.code(204).send();
});
for (const route of routes) {
  const body = readFileSync(route.file);
  if (route.sse) {
    app.get(route.path, (_request, reply) => {
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...route.headers });
      response.write('retry: 2000\n\n');
      response.write(body);
      streams.set(response, body);
      response.once('close', () => streams.delete(response));
    });
    continue;
  }
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
// 'memory' → a full GC (startBaseline forks with --expose-gc), then { rssBytes, heapUsedBytes }.
process.on('message', (message) => {
  if (message !== 'memory') return;
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({ type: 'memory', rssBytes: rss, heapUsedBytes: heapUsed });
});

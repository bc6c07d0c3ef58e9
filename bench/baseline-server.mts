// The baseline: bare Fastify answering GET /api/v1/config with fixed bytes, the best any Node service can do here.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const [, , port, payloadFile] = process.argv;
const body = readFileSync(payloadFile);
const app = Fastify({ logger: false });
app.get('/api/v1/config', (_request, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').header('etag', '"1-sdk"').header('cache-control', 'no-cache').send(body);
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.('ready');

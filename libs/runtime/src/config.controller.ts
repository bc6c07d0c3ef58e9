import { Controller, Get, HttpCode, Options, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors, notAuthenticated, Public } from '@superflag/core';
import { QuotasService } from '@superflag/quotas';
import { etagMatches } from '@superflag/flags';
import type { KeyType, VerifiedKey } from '@superflag/keys';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigSnapshots } from './config-snapshots';
import { ConfigStreams } from './config-streams';
import { RuntimeConfigDto } from './dto/config.dto';
import { RuntimeKeyAuth } from './key-auth';
import type { Snapshot } from './snapshot';

/** Browsers call the runtime with pub_ keys from any origin; server (sdk_) keys get no CORS grant. */
const CORS_FOR_PUB = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' };
const PREFLIGHT = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, X-API-Key, If-None-Match, Content-Type',
  'access-control-max-age': '86400',
};
const corsFor = (type: KeyType) => (type === 'pub' ? CORS_FOR_PUB : {});

@ApiTags('Runtime config')
@ApiSecurity('key')
@Public()
@Controller('api/v1/config')
export class ConfigController {
  constructor(
    private readonly auth: RuntimeKeyAuth,
    private readonly snapshots: ConfigSnapshots,
    private readonly streams: ConfigStreams,
    private readonly quotas: QuotasService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The key's environment's flag values, served from memory. ETag `\"<version>-<type>\"`; If-None-Match → 304" })
  @ApiHeader({ name: 'X-API-Key', required: false, description: 'The pub_/sdk_ key, instead of Authorization: Bearer' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiData(RuntimeConfigDto)
  @ApiNotModifiedResponse({ description: 'Unchanged since the ETag given in If-None-Match' })
  @ApiErrors(401, 429)
  config(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void | Promise<void> {
    // Hot path: with the key and the snapshot in memory, no promise is created.
    const key = this.auth.authenticate(request);
    if (key instanceof Promise) return key.then((k) => this.countThenServe(k, request, reply));
    return this.countThenServe(key, request, reply);
  }

  private countThenServe(key: VerifiedKey, request: FastifyRequest, reply: FastifyReply): void | Promise<void> {
    const counted = this.count(key, reply);
    if (counted instanceof Promise) return counted.then(() => this.serveSnapshot(key, request, reply));
    return this.serveSnapshot(key, request, reply);
  }

  private serveSnapshot(key: VerifiedKey, request: FastifyRequest, reply: FastifyReply): void | Promise<void> {
    const snapshot = this.snapshots.get(key.environmentId);
    if (snapshot instanceof Promise) return snapshot.then((s) => this.send(key, s, request, reply));
    return this.send(key, snapshot, request, reply);
  }

  /** Every runtime request (304s and each stream opened included) counts against the monthly quota. */
  private count(key: VerifiedKey, reply: FastifyReply): unknown {
    if (this.quotas.keyBurstLimited) return this.quotas.checkKeyBurst(key.keyId).then(() => this.countMonthly(key, reply));
    return this.countMonthly(key, reply);
  }

  private countMonthly(key: VerifiedKey, reply: FastifyReply): unknown {
    const plan = this.quotas.planOf(key.appId);
    if (plan instanceof Promise) return plan.then((p) => this.quotas.consume(key.environmentId, p, reply));
    return this.quotas.consume(key.environmentId, plan, reply);
  }

  private send(key: VerifiedKey, snapshot: Snapshot | null, request: FastifyRequest, reply: FastifyReply): void {
    if (!snapshot) throw notAuthenticated();
    const view = snapshot.for(key.type);
    reply.headers({ etag: view.etag, 'cache-control': 'no-cache', vary: 'Accept-Encoding, Authorization, X-API-Key', ...corsFor(key.type) });
    if (etagMatches(request.headers['if-none-match'], view.etag)) {
      reply.code(304).send();
      return;
    }
    const { body, encoding } = view.encoded(request.headers['accept-encoding']);
    if (encoding) reply.header('content-encoding', encoding);
    reply.type('application/json; charset=utf-8').send(body);
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Server-Sent Events: a `config` event with the full payload now and after every change; `: heartbeat` comments every 25 s',
    description: 'Events: `config` (data = `{version, flags}`, id = version), `revoked` (the key was revoked; the stream ends), `reconnect` (the server is shutting down; reconnect).',
  })
  @ApiQuery({ name: 'key', required: false, description: 'A pub_ key, for EventSource clients that cannot set headers' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string', example: 'event: config\nid: 46\ndata: {"version":46,"flags":{"dark-mode":true}}\n\n' } } } })
  @ApiErrors(401, 429)
  async stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const key = await this.auth.authenticate(request, { allowQueryKey: true });
    await this.count(key, reply);
    const snapshot = await this.snapshots.get(key.environmentId);
    if (!snapshot) throw notAuthenticated();
    // The quota headers set on the reply above travel with the stream's own headers.
    const quotaHeaders = Object.fromEntries(Object.entries(reply.getHeaders()).map(([k, v]) => [k, String(v)]));
    reply.hijack();
    this.streams.open(key, snapshot, reply.raw, { ...quotaHeaders, ...corsFor(key.type) });
  }

  @Options()
  @HttpCode(204)
  @ApiOperation({ summary: 'CORS preflight' })
  @ApiNoContentResponse({ description: 'CORS headers' })
  preflight(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.headers(PREFLIGHT);
  }

  @Options('stream')
  @HttpCode(204)
  @ApiOperation({ summary: 'CORS preflight' })
  @ApiNoContentResponse({ description: 'CORS headers' })
  preflightStream(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.headers(PREFLIGHT);
  }
}

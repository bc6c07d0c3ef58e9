import { Controller, Get, HttpCode, Options, Req, Res } from '@nestjs/common';
import {
  ApiHeader,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiData, ApiErrors, DirectRoute, Public } from '@superflag/core';
import { etagMatches } from '@superflag/flags';
import type { VerifiedKey } from '@superflag/keys';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONFIG_CACHE_CONTROL, CONFIG_CONTENT_TYPE, CONFIG_VARY, corsFor, PREFLIGHT } from './config-headers';
import { ConfigStreams } from './config-streams';
import { RuntimeConfigDto } from './dto/config.dto';
import { RuntimeAccess } from './runtime-access';
import type { Snapshot } from './snapshot';

@ApiTags('Runtime config')
@ApiSecurity('key')
@Public()
@Controller('api/v1/config')
export class ConfigController {
  constructor(
    private readonly access: RuntimeAccess,
    private readonly streams: ConfigStreams,
  ) {}

  /**
   * The hot path. In the steady state ConfigFastLane answers it before Fastify sees it; the requests it declines are
   * served here by Fastify without Nest's pipeline (DirectRoute); RuntimeAccess does every check.
   */
  @Get()
  @DirectRoute()
  @ApiOperation({
    summary: 'The key\'s environment\'s flag values, served from memory. ETag `"<version>-<type>-<environment tag>"`; If-None-Match → 304',
  })
  @ApiHeader({ name: 'X-API-Key', required: false, description: 'The pub_/sdk_ key, instead of Authorization: Bearer' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiData(RuntimeConfigDto)
  @ApiNotModifiedResponse({ description: 'Unchanged since the ETag given in If-None-Match' })
  @ApiErrors(401, 429)
  config(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void | Promise<void> {
    const call = this.access.enter(request, reply);
    if (call instanceof Promise) return call.then((c) => this.send(c.key, c.snapshot, request, reply));
    return this.send(call.key, call.snapshot, request, reply);
  }

  private send(key: VerifiedKey, snapshot: Snapshot, request: FastifyRequest, reply: FastifyReply): void {
    const view = snapshot.for(key.type);
    reply.headers({
      etag: view.etag,
      'cache-control': CONFIG_CACHE_CONTROL,
      vary: CONFIG_VARY,
      ...corsFor(key.type),
    });
    if (etagMatches(request.headers['if-none-match'], view.etag)) {
      reply.code(304).send();
      return;
    }
    const { body, encoding } = view.encoded(request.headers['accept-encoding']);
    if (encoding) reply.header('content-encoding', encoding);
    reply.type(CONFIG_CONTENT_TYPE).send(body);
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Server-Sent Events: a `config` event with the full payload now and after every change; `: heartbeat` comments every 25 s',
    description:
      'Events: `config` (data = `{version, flags}`, id = version), `revoked` (the key was revoked; the stream ends), `reconnect` (the server is shutting down; reconnect). ' +
      'At most LIMIT_STREAMS_PER_KEY open streams per key per replica (then 429 with Retry-After) and LIMIT_STREAMS per replica (then 503 with Retry-After: try another replica). ' +
      'A client that does not read gets only the latest config once it catches up, and is disconnected once SSE_MAX_BUFFER_BYTES are waiting for it.',
  })
  @ApiQuery({ name: 'key', required: false, description: 'A pub_ key, for EventSource clients that cannot set headers' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An event stream',
    content: {
      'text/event-stream': {
        schema: { type: 'string', example: 'event: config\nid: 46\ndata: {"version":46,"flags":{"dark-mode":true}}\n\n' },
      },
    },
  })
  @ApiErrors(401, 429, 503)
  async stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.streams.admit();
    const { key, snapshot } = await this.access.enter(request, reply, { allowQueryKey: true });
    // Checked again with the key, synchronously up to open(): nothing can take the slot in between.
    this.streams.admit(key);
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

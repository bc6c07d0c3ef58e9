import { Injectable, OnModuleInit } from '@nestjs/common';
import { FastLane, REQUEST_ID_HEADER } from '@superflag/core';
import { etagMatches } from '@superflag/flags';
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { CONFIG_CACHE_CONTROL, CONFIG_CONTENT_TYPE, CONFIG_VARY, CORS_FOR_PUB } from './config-headers';
import { pushRateLimitHeaders, RuntimeAccess } from './runtime-access';

export const CONFIG_PATH = '/api/v1/config';

/**
 * `GET /api/v1/config` in the steady state, answered by the FastLane before Fastify: RuntimeAccess.enterNow admits
 * the request at once (key, burst limit, quota lease, snapshot all in memory) or declines it, and a declined request
 * is served by ConfigController (which waits for what is missing, and answers the refusals). The answer is the
 * controller's, header for header: ETag, Cache-Control, Vary, the pub_ CORS grant, X-RateLimit-*, X-Request-Id,
 * 304 on a matching If-None-Match, and the body in the best encoding accepted.
 */
@Injectable()
export class ConfigFastLane implements OnModuleInit {
  constructor(
    private readonly lane: FastLane,
    private readonly access: RuntimeAccess,
  ) {}

  onModuleInit(): void {
    this.lane.register(CONFIG_PATH, (request, response, requestId) => this.serve(request, response, requestId));
  }

  serve(request: IncomingMessage, response: ServerResponse, requestId: string): number {
    const headers = request.headers;
    // A GET with a body is left to Fastify, which reads (or refuses) it.
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return 0;
    const call = this.access.enterNow(request);
    if (!call) return 0;
    const view = call.snapshot.for(call.key.type);
    const out: OutgoingHttpHeader[] = [
      REQUEST_ID_HEADER,
      requestId,
      'etag',
      view.etag,
      'cache-control',
      CONFIG_CACHE_CONTROL,
      'vary',
      CONFIG_VARY,
    ];
    if (call.key.type === 'pub')
      out.push(
        'access-control-allow-origin',
        CORS_FOR_PUB['access-control-allow-origin'],
        'access-control-expose-headers',
        CORS_FOR_PUB['access-control-expose-headers'],
      );
    pushRateLimitHeaders(out, call.quota);
    const ifNoneMatch = headers['if-none-match'];
    if (ifNoneMatch !== undefined && (ifNoneMatch === view.etag || etagMatches(ifNoneMatch, view.etag))) {
      response.writeHead(304, out);
      response.end();
      return 304;
    }
    const { body, encoding } = view.encoded(headers['accept-encoding']);
    out.push('content-type', CONFIG_CONTENT_TYPE, 'content-length', String(body.length));
    if (encoding) out.push('content-encoding', encoding);
    response.writeHead(200, out);
    response.end(body);
    return 200;
  }
}

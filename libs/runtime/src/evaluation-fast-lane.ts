import { Injectable, OnModuleInit } from '@nestjs/common';
import { FastLane, REQUEST_ID_HEADER } from '@superflag/core';
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { EVALUATE_CONTENT_TYPE, EVALUATE_PATH } from './evaluate.controller';
import { type EvaluationContext, parseContext } from './evaluation';
import { OFREP_CORS, OfrepBulk, presentedKeyOf } from './ofrep-bulk';
import { type ImmediateCall, pushRateLimitHeaders, RuntimeAccess } from './runtime-access';

export const OFREP_BULK_PATH = '/ofrep/v1/evaluate/flags';

/** Keys a JSON body may not have: Fastify's parser refuses them (prototype poisoning), so the route must answer. */
const POISON = /__proto__|constructor/;

/**
 * The context of a request body, when the body is JSON that Fastify's parser would accept as it is and its context is
 * valid; undefined for anything else, which the lane leaves to the route (its 400s are the route's).
 */
export function contextOfBody(body: Buffer): EvaluationContext | undefined {
  const text = body.toString('utf8');
  if (POISON.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    return parseContext((parsed as { context?: unknown } | null)?.context);
  } catch {
    return undefined;
  }
}

/** The headers every runtime answer of the lane starts with: the request id and the quota's X-RateLimit-*. */
function headersOf(call: ImmediateCall, requestId: string): OutgoingHttpHeader[] {
  const out: OutgoingHttpHeader[] = [REQUEST_ID_HEADER, requestId];
  pushRateLimitHeaders(out, call.quota);
  return out;
}

/**
 * `POST /api/v1/evaluate` and OFREP bulk evaluation (`POST /ofrep/v1/evaluate/flags`, no query string) in the steady
 * state, answered by the FastLane before Fastify, as ConfigFastLane answers config reads: RuntimeAccess says the
 * request can be admitted at once before its body is read (readyNow), then admits and counts it (enterNow) once the
 * body is read and its context is valid; the answer comes from the snapshot's answer template. Anything else (an
 * unknown key, a lease to renew, a malformed body or context, a flagConfigEtag) is served by the controllers, which
 * answer the same bytes and every refusal.
 */
@Injectable()
export class EvaluationFastLane implements OnModuleInit {
  constructor(
    private readonly lane: FastLane,
    private readonly access: RuntimeAccess,
    private readonly ofrep: OfrepBulk,
  ) {}

  onModuleInit(): void {
    const ready = (request: IncomingMessage) => this.access.readyNow(request);
    this.lane.registerPost(EVALUATE_PATH, { ready, answer: (req, res, id, body) => this.evaluate(req, res, id, body) });
    this.lane.registerPost(OFREP_BULK_PATH, { ready, answer: (req, res, id, body) => this.ofrepBulk(req, res, id, body) });
  }

  evaluate(request: IncomingMessage, response: ServerResponse, requestId: string, body: Buffer): number {
    const context = contextOfBody(body);
    if (!context) return 0;
    const call = this.access.enterNow(request);
    if (!call) return 0;
    const answer = call.snapshot.evaluateAnswer(call.key.type).answer(context);
    const out = headersOf(call, requestId);
    out.push('content-type', EVALUATE_CONTENT_TYPE, 'content-length', String(answer.length));
    response.writeHead(200, out);
    response.end(answer);
    return 200;
  }

  ofrepBulk(request: IncomingMessage, response: ServerResponse, requestId: string, body: Buffer): number {
    const context = contextOfBody(body);
    if (!context) return 0;
    const call = this.access.enterNow(request);
    if (!call) return 0;
    const { flags, streams, etag } = this.ofrep.answer(call.key, call.snapshot, context, presentedKeyOf(request.headers));
    const out = headersOf(call, requestId);
    if (call.key.type === 'pub')
      out.push(
        'access-control-allow-origin',
        OFREP_CORS['access-control-allow-origin'],
        'access-control-expose-headers',
        OFREP_CORS['access-control-expose-headers'],
      );
    out.push('etag', etag, 'cache-control', 'no-cache');
    if (this.ofrep.notModified(request.headers['if-none-match'], etag)) {
      response.writeHead(304, out);
      response.end();
      return 304;
    }
    out.push('content-type', EVALUATE_CONTENT_TYPE, 'content-length', String(flags.length + streams.length));
    response.writeHead(200, out);
    // The head and both parts in one writev (end() uncorks): the flags' bytes are shared by every request given the same answer.
    response.cork();
    response.write(flags);
    response.end(streams);
    return 200;
  }
}

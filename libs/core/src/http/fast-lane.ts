import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { RequestLog, requestIdOf } from '../logging/logging.module';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { HttpDrain } from '../shutdown/http-drain';

/**
 * Answers one GET request completely and synchronously, or declines it: the status written, or 0 when it wrote
 * nothing and changed nothing (the request then goes to Fastify as usual). The handler sets the request id header
 * it is given; the lane records the request in the metrics and the request log.
 */
export type FastHandler = (request: IncomingMessage, response: ServerResponse, requestId: string) => number;

/**
 * A POST route's lane handler. `ready` is asked when the request's headers arrive, before its body is read, and
 * counts nothing: false sends the request to Fastify untouched. Otherwise the lane reads the JSON body (up to
 * POST_BODY_MAX bytes) and calls `answer`, which answers completely and synchronously (the status written) or
 * declines (0, nothing written or counted): the lane then puts the body back and Fastify serves the request as if
 * the lane had never seen it (parse errors and every refusal are the route's).
 */
export interface FastPostHandler {
  ready(request: IncomingMessage): boolean;
  answer(request: IncomingMessage, response: ServerResponse, requestId: string, body: Buffer): number;
}

/** The largest POST body the lane reads itself; larger ones go to Fastify (whose bodyLimit applies). */
export const POST_BODY_MAX = 16 * 1024;

interface Lane {
  route: string;
  handler: FastHandler;
  /** The log line's method, route and URL fields, serialised once (a lane serves one URL). */
  logFields: string;
}

/**
 * The runtime's steady state, ahead of Fastify. Node's HTTP server hands each request to this lane first; a GET of a
 * registered path (exactly, without query string) goes to its handler (a POST: see FastPostHandler), which answers it there and then when
 * everything it needs is in memory (the key verified before, the plan, a quota lease, the snapshot) and declines
 * otherwise, so that the request takes Fastify's route, whose controller does the same checks with I/O where needed.
 * Every other request goes to Fastify untouched.
 *
 * Why: Fastify's per-request machinery (request and reply objects, the router, hooks, reply serialisation) costs
 * about as much CPU as a whole config read served from memory. The route stays Nest's and Fastify's (the OpenAPI
 * document describes it, its controller serves every request the lane declines); the lane keeps what Fastify's
 * side does for it: the X-Request-Id, the request metrics and log line by route pattern, and the drain (while the
 * server drains, the lane declines everything, so every response says `Connection: close`).
 *
 * Fastify hooks that extensions add (onRequest, onSend…) do not run for requests the lane answers; a team that
 * needs them there turns the lane off with FAST_LANE=false.
 */
@Injectable()
export class FastLane {
  private readonly logger = new Logger('FastLane');
  private readonly lanes = new Map<string, Lane>();
  private readonly posts = new Map<string, { route: string; handler: FastPostHandler; logFields: string }>();
  /** Requests answered by the lane (the rest of the registered routes' requests went to Fastify). */
  served = 0;
  declined = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly drain: HttpDrain,
    private readonly metrics: MetricsService,
    @Optional() @Inject(RequestLog) private readonly log: RequestLog | null,
  ) {
    metrics.counter('superflag_fast_lane_served_total', 'Requests answered by the fast lane, before Fastify', () => this.served);
    metrics.counter(
      'superflag_fast_lane_declined_total',
      'Requests of fast-lane routes the lane could not decide at once (unknown key, quota lease to renew, refusal…): served by the Fastify route',
      () => this.declined,
    );
  }

  /** `path` is a route Fastify also serves (its pattern, without parameters): the lane's requests are counted as that route's. */
  register(path: string, handler: FastHandler): void {
    if (this.lanes.has(path)) throw new Error(`FastLane: ${path} is registered twice`);
    this.lanes.set(path, { route: path, handler, logFields: RequestLog.fields('GET', path, path) });
  }

  /** A POST route (exact path, no query string) whose steady-state requests the lane answers (see FastPostHandler). */
  registerPost(path: string, handler: FastPostHandler): void {
    if (this.posts.has(path)) throw new Error(`FastLane: POST ${path} is registered twice`);
    this.posts.set(path, { route: path, handler, logFields: RequestLog.fields('POST', path, path) });
  }

  /** Puts the lane in front of the server's request listeners (Fastify's); the server's own settings stay as they are. */
  install(server: Server): void {
    if (!this.config.FAST_LANE || (this.lanes.size === 0 && this.posts.size === 0)) return;
    const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    if (listeners.length !== 1) throw new Error(`FastLane: expected one request listener, found ${listeners.length}`);
    const [next] = listeners;
    server.removeListener('request', next);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const method = request.method;
      if (method === 'GET') {
        if (!this.serve(request, response)) next(request, response);
      } else if (method !== 'POST' || !this.take(request, response, next)) next(request, response);
    });
  }

  /** Takes a POST whose handler is ready for it and reads its body; false: Fastify's, untouched. */
  private take(request: IncomingMessage, response: ServerResponse, next: (req: IncomingMessage, res: ServerResponse) => void): boolean {
    const lane = this.posts.get(request.url ?? '');
    if (!lane || this.drain.draining) return false;
    const headers = request.headers;
    const type = headers['content-type'];
    const length = Number(headers['content-length']);
    if (
      !(length > 0 && length <= POST_BODY_MAX) ||
      headers['transfer-encoding'] !== undefined ||
      headers['content-encoding'] !== undefined ||
      (type !== 'application/json' && type !== 'application/json; charset=utf-8')
    )
      return false;
    if (!lane.handler.ready(request)) {
      this.declined++;
      return false;
    }
    const startedAt = performance.now();
    let body: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let received = 0;
    const stop = () => {
      request.removeListener('data', onData);
      request.removeListener('error', stop);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (body === undefined) body = chunk;
      else (chunks ??= [body]).push(chunk);
      if (received < length) return;
      stop();
      const whole = chunks ? Buffer.concat(chunks, received) : body;
      this.answer(lane, request, response, next, whole, startedAt);
    };
    request.on('data', onData);
    // The client went away before its body arrived: nothing was answered or counted.
    request.on('error', stop);
    return true;
  }

  private answer(
    lane: { route: string; handler: FastPostHandler; logFields: string },
    request: IncomingMessage,
    response: ServerResponse,
    next: (req: IncomingMessage, res: ServerResponse) => void,
    body: Buffer,
    startedAt: number,
  ): void {
    const requestId = requestIdOf(request);
    let status = 0;
    try {
      // A drain that began while the body was arriving: Fastify answers, with `Connection: close`.
      if (!this.drain.draining) status = lane.handler.answer(request, response, requestId, body);
    } catch (err) {
      this.logger.error(`${lane.route}: ${(err as Error).stack ?? String(err)}`);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      status = 0;
    }
    if (status === 0) {
      // Back as it came: Fastify's body parser resumes the stream and reads the body from the start.
      this.declined++;
      request.pause();
      request.unshift(body);
      next(request, response);
      return;
    }
    this.served++;
    const ms = performance.now() - startedAt;
    this.metrics.observeRequest('POST', lane.route, status, ms / 1000);
    this.log?.lineWith(`"${requestId}"`, lane.logFields, request.headers, status, ms);
  }

  private serve(request: IncomingMessage, response: ServerResponse): boolean {
    const lane = this.lanes.get(request.url ?? '');
    if (!lane || this.drain.draining) return false;
    const startedAt = performance.now();
    const requestId = requestIdOf(request);
    let status: number;
    try {
      status = lane.handler(request, response, requestId);
    } catch (err) {
      // A handler declines rather than throws; if one threw before writing anything, Fastify's route still answers.
      this.logger.error(`${lane.route}: ${(err as Error).stack ?? String(err)}`);
      if (response.headersSent) {
        response.destroy();
        return true;
      }
      status = 0;
    }
    if (status === 0) {
      this.declined++;
      return false;
    }
    this.served++;
    const ms = performance.now() - startedAt;
    this.metrics.observeRequest('GET', lane.route, status, ms / 1000);
    // requestIdOf's ids need no JSON escaping.
    this.log?.lineWith(`"${requestId}"`, lane.logFields, request.headers, status, ms);
    return true;
  }
}

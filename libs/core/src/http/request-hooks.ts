import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER, RequestLog } from '../logging/logging.module';
import { MetricsService, UNMATCHED_ROUTE } from '../metrics/metrics.service';
import { HttpDrain } from '../shutdown/http-drain';

/**
 * One Fastify hook for every request: echoes its id (X-Request-Id), tracks it for the shutdown drain, and when
 * its response closes (answered, streamed to the end, or abandoned by the client: 499) records it in the
 * request metrics and writes its log line, both by route pattern.
 */
@Injectable()
export class RequestHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly drain: HttpDrain,
    private readonly metrics: MetricsService,
    @Optional() @Inject(RequestLog) private readonly log: RequestLog | null,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const { drain, metrics, log } = this;
    metrics.gauge(
      'superflag_http_requests_in_flight',
      'Requests whose response has not ended yet, open SSE streams included',
      () => drain.inFlight,
    );
    fastify.addHook('onRequest', (request, reply, done) => {
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      reply.header(REQUEST_ID_HEADER, request.id);
      const ticket = drain.started(reply);
      // 'close' comes once per response, whether it ended, was hijacked and ended, or was abandoned.
      reply.raw.on('close', () => {
        drain.finished(ticket);
        const status = reply.raw.headersSent ? reply.raw.statusCode : 499;
        metrics.observeRequest(request.method, route, status, reply.elapsedTime / 1000);
        log?.write(request, reply, route, status);
      });
      done();
    });
  }
}

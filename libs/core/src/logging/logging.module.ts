import { DynamicModule, Global, Module } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { AppConfig } from '../config/app-config';

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming X-Request-Id is kept only if it is short and plain, so it cannot forge log fields or headers. */
const ACCEPTED_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Fastify's genReqId: the caller's X-Request-Id when acceptable, else a new UUID (echoed by the request hooks). */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Censored wherever they appear in a log record. Request lines never carry bodies and carry headers only at
 * debug level, but any object a service logs goes through the same rules: credentials in headers, and body
 * or query fields named password, token, key or secret.
 */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'headers["set-cookie"]',
  'password',
  'token',
  'key',
  'secret',
  '*.password',
  '*.token',
  '*.key',
  '*.secret',
];

/** Query parameters that may carry a secret (`?key=pub_…` on the SSE endpoint). */
const SECRET_QUERY = /([?&](?:key|token|password|secret)=)[^&#]*/gi;

/** The URL as logged: secret query values replaced. */
export function redactUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_QUERY, '$1[Redacted]') : url;
}

/** Probes and scrapes would be most of the log at rest: they are measured in /metrics instead. */
const UNLOGGED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export interface LogOptions {
  /** Overrides LOG_LEVEL. */
  level?: LevelWithSilent;
  /** Where JSON lines are written; stdout (asynchronously) by default. Tests pass a stream they read. */
  destination?: DestinationStream;
}

/** The root pino logger: JSON lines, ISO time, the level as a word, secrets censored. */
export function createRootLogger(config: AppConfig, options: LogOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? config.LOG_LEVEL,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * One line per request, written when its response closes: request id, method, route pattern, URL (secret
 * query values censored), status and latency; the headers too at debug level (credentials censored). Written
 * from the request hooks (core/http) rather than by pino-http as Nest middleware: on Fastify that middleware
 * runs through @fastify/middie and a child logger per request, which halved the config endpoint's throughput.
 */
export class RequestLog {
  constructor(private readonly logger: Logger) {}

  write(request: FastifyRequest, reply: FastifyReply, route: string, status: number): void {
    const level = status >= 500 ? 'error' : 'info';
    if (!this.logger.isLevelEnabled(level) || UNLOGGED_ROUTES.has(route)) return;
    const line: Record<string, unknown> = {
      requestId: request.id,
      method: request.method,
      route,
      url: redactUrl(request.url),
      status,
      latencyMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (this.logger.isLevelEnabled('debug')) line.headers = request.headers;
    this.logger[level](line, status >= 500 ? 'request failed' : status === 499 ? 'request abandoned by the client' : 'request completed');
  }
}

/**
 * Structured JSON logs: Nest's own Logger instances write through nestjs-pino to the same pino logger as the
 * request lines (RequestLog). Global, so the request hooks find RequestLog wherever they are declared.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, options: LogOptions = {}): DynamicModule {
    const logger = createRootLogger(config, options);
    return {
      module: LoggingModule,
      // No routes: nestjs-pino's per-request middleware is replaced by RequestLog (see there).
      imports: [LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false }, forRoutes: [] })],
      providers: [{ provide: RequestLog, useValue: new RequestLog(logger) }],
      exports: [LoggerModule, RequestLog],
    };
  }
}

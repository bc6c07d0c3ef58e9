import { DynamicModule, Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';
import { AppConfig } from '../config/app-config';
import { BatchedLines, type BatchOptions } from './batched-lines';

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming X-Request-Id is kept only if it is short and plain, so it cannot forge log fields or headers. */
const ACCEPTED_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Random per process, so ids from different replicas (and restarts) never collide; a counter after it. */
const PROCESS_ID = randomBytes(6).toString('base64url');
let sequence = 0;

/**
 * Fastify's genReqId: the caller's X-Request-Id when acceptable, else `<process>-<counter>` (cheaper than a
 * UUID on the hot path, and as unique). The request hooks echo it in the response.
 */
export function requestIdOf(req: IncomingMessage): string {
  // Every id it returns is made of ACCEPTED_REQUEST_ID's characters: none needs escaping in JSON (FastLane relies on it).
  const incoming = req.headers[REQUEST_ID_HEADER];
  if (typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming)) return incoming;
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `${PROCESS_ID}-${sequence.toString(36)}`;
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

const CENSORED = '[Redacted]';
const SECRET_HEADERS = ['authorization', 'x-api-key', 'cookie', 'set-cookie'];

/**
 * The process's loggers, on one destination: `root` (Nest's Logger and anything a service logs) censors the
 * REDACTED_PATHS in every record; `requests` decides the level of RequestLog's lines, which RequestLog writes to
 * the same destination itself (their fields are built censored, so they need no path redaction either).
 */
export function createLoggers(
  config: AppConfig,
  options: LogOptions = {},
): { root: Logger; requests: Logger; destination: DestinationStream } {
  const destination = options.destination ?? stdoutDestination(config.LOG_FORMAT);
  const common = {
    level: options.level ?? config.LOG_LEVEL,
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return {
    root: pino({ ...common, redact: { paths: REDACTED_PATHS, censor: CENSORED } }, destination),
    requests: pino(common, destination),
    destination,
  };
}

/** Whether LOG_FORMAT asks for human-readable lines on stdout (`auto`: when stdout is a terminal). */
export function prettyLogs(format: AppConfig['LOG_FORMAT'], stdoutIsTTY = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTTY);
}

/** Log lines reach stdout in batches of up to 16 K characters, at most 100 ms after their first line (BatchedLines). */
export const LOG_BATCH: BatchOptions = { maxChars: 16_384, maxDelayMs: 100 };

/**
 * stdout, asynchronously and in batches (LOG_BATCH): JSON lines as they are, or through pino-pretty (which parses each line back) for a person
 * at a terminal. Both kinds of line (pino's and RequestLog's) are JSON, so both are prettified the same way.
 */
function stdoutDestination(format: AppConfig['LOG_FORMAT']): DestinationStream {
  if (!prettyLogs(format)) return new BatchedLines(() => pino.destination({ dest: 1, sync: false }), LOG_BATCH);
  return PinoPretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    // A request line reads `INFO: request completed GET /api/v1/config → 200 (0.41 ms)` with its request id below.
    ignore: 'pid,hostname,context,method,url,route,status,latencyMs',
    messageFormat: '{if context}[{context}] {end}{msg}{if status} {method} {url} → {status} ({latencyMs} ms){end}',
    hideObject: false,
  });
}

/** Request headers as logged at debug level: credentials censored. */
function censoredHeaders(headers: IncomingHttpHeaders): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...headers };
  for (const name of SECRET_HEADERS) if (copy[name] !== undefined) copy[name] = CENSORED;
  return copy;
}

/** `"time":"…"` of the current millisecond, made once per millisecond rather than once per line. */
let clockMs = -1;
let clockText = '';
function isoTimeField(): string {
  const now = Date.now();
  if (now !== clockMs) {
    clockMs = now;
    clockText = `,"time":"${new Date(now).toISOString()}"`;
  }
  return clockText;
}

const MESSAGES = {
  completed: ',"msg":"request completed"}\n',
  abandoned: ',"msg":"request abandoned by the client"}\n',
  failed: ',"msg":"request failed"}\n',
};

/**
 * One line per request, written when its response closes: request id, method, route pattern, URL (secret
 * query values censored), status and latency; the headers too at debug level (credentials censored). Written
 * from the request hooks (core/http) rather than by pino-http as Nest middleware: on Fastify that middleware
 * runs through @fastify/middie and a child logger per request, which halved the config endpoint's throughput.
 *
 * The line is the one pino writes for `logger[level]({requestId, method, route, url, status, latencyMs}, msg)`
 * (level, time, pid, hostname, the fields, msg: the same keys in the same order), built here as one string and
 * written to the loggers' destination: pino's generic path (bindings, a serializer per field, the ISO clock
 * per line) was a sixth of the config endpoint's CPU time. `requests` still decides which levels are written.
 */
export class RequestLog {
  private readonly base: string;

  constructor(
    private readonly logger: Logger,
    private readonly destination: DestinationStream,
  ) {
    // pino's own serialised bindings of this logger (`,"pid":…,"hostname":"…"`): what its lines carry after the time.
    this.base = (logger as unknown as Record<symbol, string | undefined>)[pino.symbols.chindingsSym] ?? '';
  }

  write(request: FastifyRequest, reply: FastifyReply, route: string, status: number): void {
    this.line(request.id, request.method, route, request.url, request.headers, status, reply.elapsedTime);
  }

  /** The same line from its parts. */
  line(
    requestId: string,
    method: string,
    route: string,
    url: string,
    headers: IncomingHttpHeaders,
    status: number,
    elapsedMs: number,
  ): void {
    if (UNLOGGED_ROUTES.has(route)) return;
    this.lineWith(JSON.stringify(requestId), RequestLog.fields(method, route, url), headers, status, elapsedMs);
  }

  /** `"method":…,"route":…,"url":…` serialised once, for callers that log many requests with the same three (FastLane). */
  static fields(method: string, route: string, url: string): string {
    return `,"method":${JSON.stringify(method)},"route":${JSON.stringify(route)},"url":${JSON.stringify(redactUrl(url))}`;
  }

  /** The line of a request whose id is already a JSON string and whose method, route and URL are `fields`. */
  lineWith(requestIdJson: string, fields: string, headers: IncomingHttpHeaders, status: number, elapsedMs: number): void {
    // 503 is a dependency outage or a drain, already reported once by its own warning; a line per request at
    // error level would bury real failures.
    const level = status >= 500 ? (status === 503 ? 'warn' : 'error') : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    const latencyMs = Math.round(elapsedMs * 100) / 100;
    let line = `{"level":"${level}"${isoTimeField()}${this.base},"requestId":${requestIdJson}${fields},"status":${status},"latencyMs":${latencyMs}`;
    if (this.logger.isLevelEnabled('debug')) line += `,"headers":${JSON.stringify(censoredHeaders(headers))}`;
    line += status >= 500 ? MESSAGES.failed : status === 499 ? MESSAGES.abandoned : MESSAGES.completed;
    this.destination.write(line);
  }
}

/**
 * Structured JSON logs: Nest's own Logger instances write through nestjs-pino to the same destination as the
 * request lines (RequestLog). Global, so the request hooks find RequestLog wherever they are declared.
 * nestjs-pino keeps the first root logger it is given for the whole process: apps built later in the same
 * process (tests with two replicas in one file) write Nest's messages through the first app's logger.
 */
/** Writes what the batched destination holds when the app shuts down. */
class LogFlushOnShutdown implements OnApplicationShutdown {
  constructor(private readonly destination: DestinationStream) {}

  onApplicationShutdown(): void {
    if (this.destination instanceof BatchedLines) this.destination.close();
  }
}

@Global()
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, options: LogOptions = {}): DynamicModule {
    const { root, requests, destination } = createLoggers(config, options);
    return {
      module: LoggingModule,
      // No routes: nestjs-pino's per-request middleware is replaced by RequestLog (see there).
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: root, autoLogging: false }, forRoutes: [] })],
      providers: [
        { provide: RequestLog, useValue: new RequestLog(requests, destination) },
        { provide: LogFlushOnShutdown, useValue: new LogFlushOnShutdown(destination) },
      ],
      exports: [LoggerModule, RequestLog],
    };
  }
}

import { HttpException } from '@nestjs/common';
import {
  CannotExecuteNotConnectedError,
  CannotGetEntityManagerNotConnectedError,
  ConnectionIsNotSetError,
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
} from 'typeorm';
import { DomainError } from './domain-error';

export interface ErrorResponse {
  status: number;
  body: { error: string; [extra: string]: unknown };
  headers: Record<string, string>;
  /** True when the failure is ours, not the caller's: it is logged with its stack. */
  internal: boolean;
  /**
   * Set when the database could not be reached (a short reason: an error code or the driver's message, never
   * SQL or parameters): the filter logs one warning per outage instead of a stack per request.
   */
  databaseUnavailable?: string;
}

/** How long a client should wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket errors of the link to PostgreSQL: refused, reset, timed out, broken, unresolvable. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What `pg`, `pg-pool` and TypeORM say when the connection, not the statement, failed. */
const CONNECTION_ERROR_MESSAGES = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'Driver not Connected',
]);

/**
 * SQLSTATEs that say "the server cannot serve this now", not "this statement is wrong": class 08 (connection
 * exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now: a restart or failover), 53300
 * (too many connections) and 57014 (statement_timeout or a cancel: a stalled server).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300|57014)$/;

/** TypeORM's own errors for "there is no usable connection". */
const NOT_CONNECTED_ERRORS = [
  ConnectionIsNotSetError,
  CannotExecuteNotConnectedError,
  CannotGetEntityManagerNotConnectedError,
  QueryRunnerAlreadyReleasedError,
];

/**
 * The reason, when `exception` means the database could not be reached (rather than a query or a rule being
 * wrong); undefined otherwise. Looks through TypeORM's QueryFailedError to the driver's error, and through
 * `cause` and AggregateError (a host name with several addresses fails once per address).
 */
export function databaseUnavailableReason(exception: unknown, depth = 0): string | undefined {
  if (typeof exception !== 'object' || exception === null || depth > 3) return undefined;
  if (NOT_CONNECTED_ERRORS.some((type) => exception instanceof type)) return (exception as Error).name;
  if (exception instanceof QueryFailedError) return databaseUnavailableReason(exception.driverError, depth + 1);
  const e = exception as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (CONNECTION_ERROR_CODES.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return e.code;
  if (typeof e.message === 'string' && CONNECTION_ERROR_MESSAGES.has(e.message)) return e.message;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const reason = databaseUnavailableReason(inner, depth + 1);
      if (reason) return reason;
    }
  }
  return databaseUnavailableReason(e.cause, depth + 1);
}

const databaseUnavailable = (reason: string): ErrorResponse => ({
  status: 503,
  body: { error: 'Service unavailable' },
  headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
  internal: false,
  databaseUnavailable: reason,
});

/** Fastify's own errors (body parsing, content type) carry a code and a status. */
const FASTIFY_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'Request body too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported media type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'Invalid content length'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'Invalid JSON body'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Invalid JSON body'],
  FST_ERR_BAD_URL: [400, 'Invalid URL'],
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Insufficient permissions',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Unprocessable entity',
  429: 'Too many requests',
  503: 'Service unavailable',
};

const internalError = (): ErrorResponse => ({ status: 500, body: { error: 'Internal server error' }, headers: {}, internal: true });

/** Maps anything thrown while handling a request to the one error shape of the API. Never leaks SQL or stacks. */
export function toErrorResponse(exception: unknown): ErrorResponse {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      body: { error: exception.message, ...exception.extra },
      headers: exception.headers,
      internal: false,
    };
  }
  if (exception instanceof HttpException) {
    // Nest wraps Fastify's own client errors (body parsing) in an HttpException with the original as cause.
    const code = (exception.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && FASTIFY_ERRORS[code]) {
      const [status, error] = FASTIFY_ERRORS[code];
      return { status, body: { error }, headers: {}, internal: false };
    }
    const status = exception.getStatus();
    const res = exception.getResponse();
    let message = STATUS_TEXT[status] ?? 'Error';
    if (status === 404 && typeof res === 'object' && /^Cannot \w+ /.test(String((res as { message?: unknown }).message))) {
      message = 'Route not found';
    } else if (typeof res === 'string') {
      message = res;
    } else if (typeof res === 'object' && res !== null) {
      const m = (res as { message?: unknown }).message;
      if (typeof m === 'string') message = m;
      else if (Array.isArray(m) && typeof m[0] === 'string') message = m[0];
    }
    return status >= 500 ? internalError() : { status, body: { error: message }, headers: {}, internal: false };
  }
  const unreachable = databaseUnavailableReason(exception);
  if (unreachable) return databaseUnavailable(unreachable);
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: string } | undefined)?.code;
    if (code === '23505') return { status: 409, body: { error: 'Conflict' }, headers: {}, internal: false };
    if (code === '40001' || code === '40P01')
      return { status: 503, body: { error: 'Please retry: concurrent update' }, headers: { 'retry-after': '1' }, internal: true };
    return internalError();
  }
  if (typeof exception === 'object' && exception !== null) {
    const e = exception as { code?: unknown; statusCode?: unknown; name?: unknown };
    if (typeof e.code === 'string' && FASTIFY_ERRORS[e.code]) {
      const [status, error] = FASTIFY_ERRORS[e.code];
      return { status, body: { error }, headers: {}, internal: false };
    }
    // JSON.parse failures surfaced by the body parser.
    if (e.name === 'SyntaxError' && e.statusCode === 400)
      return { status: 400, body: { error: 'Invalid JSON body' }, headers: {}, internal: false };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return { status: e.statusCode, body: { error: STATUS_TEXT[e.statusCode] ?? 'Bad request' }, headers: {}, internal: false };
    }
  }
  return internalError();
}

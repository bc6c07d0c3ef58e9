import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';

export interface ErrorResponse {
  status: number;
  body: { error: string; [extra: string]: unknown };
  headers: Record<string, string>;
  /** True when the failure is ours, not the caller's: it is logged with its stack. */
  internal: boolean;
}

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
  400: 'Bad request', 401: 'Not authenticated', 403: 'Insufficient permissions', 404: 'Not found',
  405: 'Method not allowed', 406: 'Not acceptable', 408: 'Request timeout', 409: 'Conflict', 413: 'Request body too large',
  415: 'Unsupported media type', 422: 'Unprocessable entity', 429: 'Too many requests', 503: 'Service unavailable',
};

const internalError = (): ErrorResponse => ({ status: 500, body: { error: 'Internal server error' }, headers: {}, internal: true });

/** Maps anything thrown while handling a request to the one error shape of the API. Never leaks SQL or stacks. */
export function toErrorResponse(exception: unknown): ErrorResponse {
  if (exception instanceof DomainError) {
    return { status: exception.status, body: { error: exception.message, ...exception.extra }, headers: exception.headers, internal: false };
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
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: string } | undefined)?.code;
    if (code === '23505') return { status: 409, body: { error: 'Conflict' }, headers: {}, internal: false };
    if (code === '40001' || code === '40P01') return { status: 503, body: { error: 'Please retry: concurrent update' }, headers: { 'retry-after': '1' }, internal: true };
    return internalError();
  }
  if (typeof exception === 'object' && exception !== null) {
    const e = exception as { code?: unknown; statusCode?: unknown; name?: unknown };
    if (typeof e.code === 'string' && FASTIFY_ERRORS[e.code]) {
      const [status, error] = FASTIFY_ERRORS[e.code];
      return { status, body: { error }, headers: {}, internal: false };
    }
    // JSON.parse failures surfaced by the body parser.
    if (e.name === 'SyntaxError' && e.statusCode === 400) return { status: 400, body: { error: 'Invalid JSON body' }, headers: {}, internal: false };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return { status: e.statusCode, body: { error: STATUS_TEXT[e.statusCode] ?? 'Bad request' }, headers: {}, internal: false };
    }
  }
  return internalError();
}

import { type ErrorResponse, toErrorResponse } from '@superflag/core';
import type { ReflagErrorCode } from './dto/reflag.dto';

/** Reflag's error body (its `ErrorResponse` schema): a code from its list, a message, and field issues for validation failures. */
export interface ReflagErrorBody {
  error: { code: ReflagErrorCode; message: string };
  issues?: Record<string, string[]>;
}

export interface ReflagErrorResponse extends Omit<ErrorResponse, 'body'> {
  body: ReflagErrorBody;
}

/** Reflag's codes by status; the status itself is the project's, unchanged. */
export function reflagCode(status: number): ReflagErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 405) return 'not_allowed';
  if (status === 409 || status === 412) return 'not_possible';
  if (status === 429 || status === 503) return 'not_available';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'unknown_error';
}

/**
 * The field a validation message is about, in dot notation: `Unknown field: updates.0.x` → `updates.0.x`,
 * `updates.0.userId must be …` → `updates.0.userId`; "" when the message names none.
 */
export function issueField(message: string): string {
  const unknown = /^Unknown field: (\S+)$/.exec(message);
  if (unknown) return unknown[1];
  const named = /^([A-Za-z_$][\w$]*(?:\.[\w$]+)*)(?::| )/.exec(message);
  return named ? named[1] : '';
}

/**
 * Maps anything thrown on a Reflag route to Reflag's error body, through the project's one mapper, so statuses,
 * headers (Retry-After) and what is never shown (SQL, stacks: a 500 says only "Internal server error") stay the
 * project's. Extra fields of the project's body (`key`, `currentVersion`) are left out: Reflag's schema has none;
 * a validation failure's `details` become `issues`.
 */
export function toReflagError(exception: unknown): ReflagErrorResponse {
  const mapped = toErrorResponse(exception);
  const { error, details } = mapped.body as { error: string; details?: unknown };
  const body: ReflagErrorBody = { error: { code: reflagCode(mapped.status), message: error } };
  if (Array.isArray(details) && details.length > 0) {
    const issues: Record<string, string[]> = {};
    for (const message of details.map(String)) (issues[issueField(message)] ??= []).push(message);
    body.issues = issues;
  }
  return { ...mapped, body };
}

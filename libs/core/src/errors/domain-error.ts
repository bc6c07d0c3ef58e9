/**
 * The only way services report a failure to a caller. The exception filter turns it into
 * `{"error": message, ...extra}` with `status` and `headers`.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, extra?: Record<string, unknown>) => new DomainError(400, message, extra);
export const notAuthenticated = () => new DomainError(401, 'Not authenticated');
export const forbidden = (message = 'Insufficient permissions') => new DomainError(403, message);
/** `notFound('App')` → 404 "App not found". */
export const notFound = (what: string) => new DomainError(404, `${what} not found`);
export const conflict = (message: string) => new DomainError(409, message);
/**
 * A tenant limit (LIMIT_*): 409, because the request is valid and allowed but conflicts with what the tenant
 * already has; deleting or revoking something resolves it. `limitReached('Flags per environment', 5000)`.
 */
export const limitReached = (what: string, limit: number, extra?: Record<string, unknown>) =>
  new DomainError(409, `${what} limit reached (${limit})`, extra);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new DomainError(429, message, {}, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

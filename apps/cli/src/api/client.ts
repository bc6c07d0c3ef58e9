import createClient from 'openapi-fetch';
import { ApiError, NetworkError } from '../errors';
import { withSpinner } from '../output';
import { CLI_VERSION } from '../version';
import type { components, paths } from './schema';

/** The wire types, generated from openapi.json (see schema.ts). */
export type Schemas = components['schemas'];
export type FlagType = Schemas['FlagViewDto']['type'];
export type FlagValue = Schemas['FlagViewDto']['value'];
export type FlagView = Schemas['FlagViewDto'];
export type KeyType = Schemas['CreateKeyDto']['type'];

export type ApiClient = ReturnType<typeof createApiClient>;

const REQUEST_TIMEOUT_MS = 30_000;

/** A typed client for the Superflag API: every path, parameter and body is checked against openapi.json. */
export function createApiClient(baseUrl: string, token?: string) {
  return createClient<paths>({
    baseUrl,
    headers: {
      'user-agent': `superflag-cli/${CLI_VERSION} node/${process.versions.node}`,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    fetch: (request) => fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
  });
}

/** What an openapi-fetch call resolves to. */
export interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits one API call (with a spinner when it is slow and a person is watching) and returns the body of a
 * success. An error body becomes an ApiError carrying the API's own `error` message; no answer at all
 * becomes a NetworkError naming the URL.
 */
export async function send<T>(label: string, baseUrl: string, call: () => Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await withSpinner(label, call);
  } catch (err) {
    throw new NetworkError(`Could not reach the Superflag API at ${baseUrl}: ${describeNetworkFailure(err)}`);
  }
  const { data, error, response } = outcome;
  if (error !== undefined || !response.ok) throw apiError(response, error);
  return data as T;
}

function apiError(response: Response, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
    const { error, details } = body as { error: string; details?: unknown };
    return new ApiError(response.status, error, Array.isArray(details) ? details.map(String) : []);
  }
  // Reflag's routes (/api/apps/…, used by `targets`) answer Reflag's error body: {error: {code, message}}.
  const reflag = (body as { error?: { message?: unknown } } | null)?.error;
  if (typeof reflag === 'object' && reflag !== null && typeof reflag.message === 'string')
    return new ApiError(response.status, reflag.message);
  // Not the API's error shape: a proxy, a load balancer or another server answered.
  return new ApiError(response.status, `The server answered ${response.status} ${response.statusText}`.trim());
}

function describeNetworkFailure(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the service running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    default:
      return cause?.message ?? (err instanceof Error ? err.message : String(err));
  }
}

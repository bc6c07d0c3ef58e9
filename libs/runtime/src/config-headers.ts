import type { KeyType } from '@superflag/keys';

/** Browsers call the runtime with pub_ keys from any origin; server (sdk_) keys get no CORS grant. */
export const CORS_FOR_PUB = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' } as const;
export const corsFor = (type: KeyType) => (type === 'pub' ? CORS_FOR_PUB : {});

/** What every config answer (200 and 304) carries besides its ETag, the CORS grant and the quota headers. */
export const CONFIG_CACHE_CONTROL = 'no-cache';
export const CONFIG_VARY = 'Accept-Encoding, Authorization, X-API-Key';
export const CONFIG_CONTENT_TYPE = 'application/json; charset=utf-8';

export const PREFLIGHT = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, X-API-Key, If-None-Match, Content-Type',
  'access-control-max-age': '86400',
};

import { badRequest } from '../errors/domain-error';

/** How deeply a free-form JSON value (a json flag value, a rollout value) may nest: objects and arrays count. */
export const MAX_JSON_DEPTH = 32;
/**
 * Bounds of a date-time input (`expiresAt`): PostgreSQL timestamptz reads neither JavaScript's six-digit years
 * (`+275760-…`) nor dates before its own start, which reached SQL as 500s.
 */
export const MIN_STORABLE_DATE = new Date('0001-01-01T00:00:00.000Z');
export const MAX_STORABLE_DATE = new Date('9999-12-31T23:59:59.999Z');
export const STORABLE_DATE_MESSAGE = 'must be a date-time from year 1 to 9999';
/** The largest value of a PostgreSQL `integer` column (versions, counts): larger numbers fail in SQL, not in validation. */
export const MAX_INT32 = 2_147_483_647;

// With the u flag a well-formed pair is one code point, so this matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;

function stringProblem(s: string): string | null {
  // PostgreSQL text refuses 0x00 and json/jsonb refuse \u0000; UTF-8 has no encoding for a lone surrogate
  // (the driver would store U+FFFD instead, or jsonb refuse the escape).
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone surrogate (invalid UTF-16)';
  return null;
}

/**
 * The first reason `value` cannot be stored as given, as a message naming where (`value.a.0.b must not
 * contain NUL characters`), or null. Covers what JSON.parse lets through but PostgreSQL refuses or silently
 * changes: NUL characters and lone surrogates in strings and object keys, numbers beyond a double (`1e400`
 * parses to Infinity, which JSON.stringify writes as null), and nesting beyond `maxDepth` containers.
 */
export function storableProblem(value: unknown, path: string, maxDepth = MAX_JSON_DEPTH): string | null {
  return walk(value, path, 0, maxDepth, path);
}

/** An empty path is a request's top level: its fields are named alone (`key`, not `.key`). */
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function walk(value: unknown, path: string, depth: number, maxDepth: number, root: string): string | null {
  switch (typeof value) {
    case 'string': {
      const problem = stringProblem(value);
      return problem && `${path} ${problem}`;
    }
    case 'number':
      return Number.isFinite(value) ? null : `${path} must be a finite number`;
    case 'object': {
      if (value === null) return null;
      // Named by the value, not by the 30-odd keys on the way down.
      if (depth >= maxDepth) return `${root || 'The request'} nests deeper than ${maxDepth} levels`;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = walk(value[i], join(path, String(i)), depth + 1, maxDepth, root);
          if (problem) return problem;
        }
        return null;
      }
      for (const key of Object.keys(value)) {
        const keyProblem = stringProblem(key);
        if (keyProblem) return `${path || 'A field name'} ${keyProblem}${path ? ' (in a key)' : ''}`;
        const problem = walk((value as Record<string, unknown>)[key], join(path, key), depth + 1, maxDepth, root);
        if (problem) return problem;
      }
      return null;
    }
    default:
      return null;
  }
}

/** 400 unless `value` can be stored exactly as given (see storableProblem). Every free-form JSON input goes through this. */
export function assertStorableJson(value: unknown, path: string, maxDepth = MAX_JSON_DEPTH): void {
  const problem = storableProblem(value, path, maxDepth);
  if (problem) throw badRequest(problem);
}

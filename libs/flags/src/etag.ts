import { createHash } from 'node:crypto';

/** Whether an `If-None-Match` header (one or more entity tags, or `*`) matches `etag`. Weak tags compare equal. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || strip(t) === etag);
}

/**
 * A short, stable stand-in for an environment id inside entity tags (the first 10 base64url characters of its
 * sha256): versions count per environment, so without it two environments at the same version would share an
 * ETag and a client that switches keys could be answered 304 with the other environment's flags. Hashed rather
 * than the id itself, which clients have no use for.
 */
export function environmentTag(environmentId: string): string {
  return createHash('sha256').update(environmentId, 'utf8').digest('base64url').slice(0, 10);
}

/** The runtime ETag of an environment at a version as one variant (key type) sees it: `"<version>-<variant>-<environment tag>"`. */
export function runtimeEtag(environmentId: string, version: number, variant: string): string {
  return `"${version}-${variant}-${environmentTag(environmentId)}"`;
}

import { forbidden } from '@superflag/core';
import type { Scope } from './scopes';

/** A person calling with one of their cli_ tokens. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  /** The cli_ token the request was made with. */
  tokenId: string;
  scopes: ReadonlySet<Scope>;
}

/**
 * An app's management key (`mgmt_…`, Reflag-style): acts on that one app only, across its environments, with
 * an editor's rights cut down to its scopes. It is nobody's account, so it never reaches account routes.
 */
export interface AppKeyPrincipal {
  kind: 'appKey';
  appKeyId: string;
  appId: string;
  /** The user who created the key, for the record; it grants nothing. */
  createdBy: string | null;
  scopes: ReadonlySet<Scope>;
}

/** Who is calling a management route, as established by the auth guard. */
export type Principal = UserPrincipal | AppKeyPrincipal;

/** Who made a change, as history and audit records keep it: a user's token or an app's key. */
export interface Actor {
  userId: string | null;
  tokenId: string | null;
  appKeyId: string | null;
}

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'user'
    ? { userId: principal.userId, tokenId: principal.tokenId, appKeyId: null }
    : { userId: null, tokenId: null, appKeyId: principal.appKeyId };
}

/** The caller as a user, for what only a person can do (own tokens, create apps); an app key gets 403. */
export function requireUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw forbidden();
  return principal;
}

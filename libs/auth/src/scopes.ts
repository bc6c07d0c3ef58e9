/**
 * Token scopes. Tokens from signup/login carry all of them; CI tokens can be narrowed. `tokens:write` manages the
 * user's own cli_ tokens (mint, list, revoke), so a narrowed token cannot mint itself a way out.
 */
export const SCOPES = ['apps:read', 'apps:write', 'flags:read', 'flags:write', 'keys:read', 'keys:write', 'tokens:write'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** What an app's mgmt_ key may carry: it is nobody's account, so it has no tokens to manage. */
export const APP_KEY_SCOPES: readonly Scope[] = SCOPES.filter((s) => s !== 'tokens:write');

/** Token scopes. Tokens from signup/login carry all of them; CI tokens can be narrowed. */
export const SCOPES = ['apps:read', 'apps:write', 'flags:read', 'flags:write', 'keys:read', 'keys:write'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

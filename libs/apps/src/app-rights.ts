/**
 * What a member may do with an app. The auth guard checks the credential's scopes; this checks the caller's
 * role in the app. Authorization is the intersection of both.
 *   read   see the app, its environments, flags, history, keys (never a key's secret) and usage
 *   write  change flags and targets, roll back, create and revoke runtime keys
 *   manage rename or delete the app, add or delete environments, members, management keys, the audit
 */
export const APP_ROLES = ['owner', 'editor', 'viewer'] as const;
export type AppRole = (typeof APP_ROLES)[number];
export type AppRight = 'read' | 'write' | 'manage';

const RIGHTS: Record<AppRole, ReadonlySet<AppRight>> = {
  owner: new Set<AppRight>(['read', 'write', 'manage']),
  editor: new Set<AppRight>(['read', 'write']),
  viewer: new Set<AppRight>(['read']),
};

/** An app's mgmt_ key acts in its one app as an editor: it can never manage the app, its members or other keys. */
export const APP_KEY_ROLE: AppRole = 'editor';

export function roleAllows(role: AppRole, right: AppRight): boolean {
  return RIGHTS[role]?.has(right) ?? false;
}

export function isAppRole(value: unknown): value is AppRole {
  return typeof value === 'string' && (APP_ROLES as readonly string[]).includes(value);
}

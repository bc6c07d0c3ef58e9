/**
 * What a member may do with an app. The auth guard checks the token's scopes; this checks the caller's
 * role in the app. Authorization is the intersection of both. Only `owner` exists today; further roles
 * (editor, viewer) are rows of this table.
 */
export type AppRole = 'owner';
export type AppRight = 'read' | 'write' | 'manage';

const RIGHTS: Record<AppRole, ReadonlySet<AppRight>> = {
  owner: new Set<AppRight>(['read', 'write', 'manage']),
};

export function roleAllows(role: AppRole, right: AppRight): boolean {
  return RIGHTS[role]?.has(right) ?? false;
}

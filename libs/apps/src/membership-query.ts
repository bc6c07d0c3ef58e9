import type { Principal } from '@superflag/auth';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppMember } from './app-member.entity';
import { APP_KEY_ROLE } from './app-rights';
import { App } from './app.entity';

/**
 * For stores of other features: restricts a query to rows of apps the caller is a member of (joined on
 * `appIdColumn`) and selects the caller's role as `member_role` and the app's plan as `app_plan`, so a feature
 * checks access in the same query that loads its rows. An app's mgmt_ key is a member of exactly its own app,
 * as an editor. When it finds nothing, AppsService.authorize says why (404 app / 403 right). The one place
 * outside this lib's stores that knows how membership is stored.
 */
export function withMembership<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  appIdColumn: string,
  principal: Principal,
): SelectQueryBuilder<T> {
  if (principal.kind === 'appKey') {
    return qb
      .innerJoin(App, 'member_app', `member_app.id = ${appIdColumn} AND member_app.id = :memberAppId`, { memberAppId: principal.appId })
      .addSelect(`'${APP_KEY_ROLE}'`, 'member_role')
      .addSelect('member_app.plan', 'app_plan');
  }
  return qb
    .innerJoin(AppMember, 'member', `member.app_id = ${appIdColumn} AND member.user_id = :memberUserId`, { memberUserId: principal.userId })
    .innerJoin(App, 'member_app', `member_app.id = ${appIdColumn}`)
    .addSelect('member.role', 'member_role')
    .addSelect('member_app.plan', 'app_plan');
}

/** What membershipSql adds to a statement: its joins, its select list entries and their parameters. */
export interface MembershipSql {
  /** `INNER JOIN …` clauses, to follow the FROM item holding `appIdColumn`. */
  joins: string;
  /** `… AS member_role, … AS app_plan`, to add to the select list. */
  columns: string;
  params: unknown[];
}

/**
 * withMembership for plain SQL statements (the write path prepares its statement once instead of building a
 * query per call): the same joins and the same two columns, `member_role` and `app_plan`. Parameters are
 * numbered from `$firstParam`; the statement passes `params` in that place.
 */
export function membershipSql(appIdColumn: string, principal: Principal, firstParam: number): MembershipSql {
  const p = `$${firstParam}`;
  if (principal.kind === 'appKey') {
    return {
      joins: `INNER JOIN apps member_app ON member_app.id = ${appIdColumn} AND member_app.id = ${p}`,
      columns: `'${APP_KEY_ROLE}' AS member_role, member_app.plan AS app_plan`,
      params: [principal.appId],
    };
  }
  return {
    joins: `INNER JOIN app_members member ON member.app_id = ${appIdColumn} AND member.user_id = ${p} INNER JOIN apps member_app ON member_app.id = ${appIdColumn}`,
    columns: 'member.role AS member_role, member_app.plan AS app_plan',
    params: [principal.userId],
  };
}

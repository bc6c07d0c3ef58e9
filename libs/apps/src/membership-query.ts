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

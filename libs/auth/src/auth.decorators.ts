import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors, RequestContextInterceptor } from '@superflag/core';
import { type Principal, requireUser, type UserPrincipal } from './principal';
import type { Scope } from './scopes';

export const REQUIRED_SCOPES = 'superflag:scopes';
export const USERS_ONLY = 'superflag:users-only';

/**
 * The scopes a route needs; the guard answers 403 when the credential lacks one. Any management credential
 * may call it: a user's cli_ token or an app's mgmt_ key (documented as either bearer scheme).
 */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    UseInterceptors(RequestContextInterceptor),
    ApiBearerAuth('cli'),
    ApiBearerAuth('mgmt'),
    ApiErrors(401, ...(scopes.length ? [403] : [])),
  );

/**
 * A route that acts on the calling user (their account and tokens, apps they create): cli_ tokens only. An
 * app's mgmt_ key gets 403 from the guard, so no handler has to think about it.
 */
export const RequireUser = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    SetMetadata(USERS_ONLY, true),
    UseInterceptors(RequestContextInterceptor),
    ApiBearerAuth('cli'),
    ApiErrors(401, 403),
  );

/** The authenticated caller of a management route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});

/** The authenticated user of a @RequireUser() route. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): UserPrincipal => {
  return requireUser(ctx.switchToHttp().getRequest<{ principal: Principal }>().principal);
});

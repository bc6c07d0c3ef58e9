import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors, RequestContextInterceptor } from '@superflag/core';
import type { Principal } from './principal';
import type { Scope } from './scopes';

export const REQUIRED_SCOPES = 'superflag:scopes';

/** The scopes a route needs; the guard answers 403 when the token lacks one. Also documents the bearer scheme. */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    UseInterceptors(RequestContextInterceptor),
    ApiBearerAuth('cli'),
    ApiErrors(401, ...(scopes.length ? [403] : [])),
  );

/** The authenticated caller of a management route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, IS_PUBLIC } from '@superflag/core';
import { REQUIRED_SCOPES } from './auth.decorators';
import { AuthService } from './auth.service';
import type { Principal } from './principal';
import type { Scope } from './scopes';

/**
 * The one guard in front of every management route (registered globally): a valid `Bearer cli_…` token
 * or 401, then the route's scopes or 403. Routes opt out only with @Public().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const principal = await this.auth.authenticate(request.headers.authorization);
    request.principal = principal;
    const required = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [];
    if (required.some((scope) => !principal.scopes.has(scope))) throw forbidden();
    return true;
  }
}

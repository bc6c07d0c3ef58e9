import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthFailureLimiter, DomainError, forbidden, IS_PUBLIC } from '@superflag/core';
import { REQUIRED_SCOPES, USERS_ONLY } from './auth.decorators';
import { CredentialVerifier } from './credential-verifier';
import type { Principal } from './principal';
import type { Scope } from './scopes';

interface RouteRule {
  isPublic: boolean;
  scopes: Scope[];
  usersOnly: boolean;
}

/**
 * The one guard in front of every management route (registered globally): a valid `Bearer cli_…` token or
 * `Bearer mgmt_…` app key, or 401; then the route's scopes or 403 (and 403 for an app key on a @RequireUser()
 * route). What the caller may do in a given app is the app's business (AppsService.authorize). Routes opt out
 * only with @Public(). Public routes (the runtime hot path among them) pass synchronously, with their rule
 * read from metadata once per handler. A 401 counts as a failed authentication of the client address
 * (BURST_AUTH_FAIL_IP_LIMIT); an address past its limit gets 429 before its credential is looked up.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly rules = new WeakMap<object, RouteRule>();

  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialVerifier,
    private readonly failures: AuthFailureLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (!rule) {
      const targets = [handler, context.getClass()];
      rule = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        scopes: this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [],
        usersOnly: this.reflector.getAllAndOverride<boolean>(USERS_ONLY, targets) ?? false,
      };
      this.rules.set(handler, rule);
    }
    if (rule.isPublic) return true;
    return this.authenticate(context, rule);
  }

  private async authenticate(context: ExecutionContext, rule: RouteRule): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; ip: string; principal?: Principal }>();
    this.failures.check(request.ip);
    let principal: Principal;
    try {
      principal = await this.credentials.authenticate(request.headers.authorization);
    } catch (err) {
      if (err instanceof DomainError && err.status === 401) this.failures.failed(request.ip);
      throw err;
    }
    request.principal = principal;
    if (rule.usersOnly && principal.kind !== 'user') throw forbidden();
    if (rule.scopes.some((scope) => !principal.scopes.has(scope))) throw forbidden();
    return true;
  }
}

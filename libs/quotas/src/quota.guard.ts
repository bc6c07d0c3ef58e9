import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppRight } from '@superflag/apps';
import { type Principal, REQUIRED_SCOPES } from '@superflag/auth';
import { QUOTA_EXEMPT, storableProblem } from '@superflag/core';
import { EnvironmentsService } from '@superflag/environments';
import type { FastifyReply } from 'fastify';
import { applyQuotaDecision } from './quota-http';
import { QuotasService } from './quotas.service';

const QUOTA_UNCOUNTED = 'superflag:quota-uncounted';

/** A management route that names an environment without being a request against it (the usage report). */
export const QuotaUncounted = () => SetMetadata(QUOTA_UNCOUNTED, true);

interface ManagementRequest {
  principal?: Principal;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * The right a route's scope stands for, which is what its service requires of the caller's role (see
 * libs/apps app-rights.ts): `apps:write` is the owner's (manage), any other `:write` an editor's. A request the
 * service would refuse for the role is not counted.
 */
export function rightOfScopes(scopes: readonly string[] | undefined): AppRight {
  if (!scopes) return 'read';
  if (scopes.includes('apps:write')) return 'manage';
  return scopes.some((s) => s.endsWith(':write')) ? 'write' : 'read';
}

/** The app and environment a request names: path `:appId`/`:envId`, else `appId`/`env` of its query, else of its body. */
export function namedEnvironment(request: ManagementRequest): { appId: string; env: string } | undefined {
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : undefined;
  for (const source of [request.params, request.query, body]) {
    if (!source) continue;
    const appId = source.appId;
    const env = source.env ?? source.envId;
    // Guards run before validation: a value PostgreSQL cannot compare (NUL, lone surrogate) is left for the
    // validation pipe to refuse with 400 rather than sent to the database here.
    if (
      typeof appId === 'string' &&
      typeof env === 'string' &&
      appId.length > 0 &&
      env.length > 0 &&
      appId.length <= 64 &&
      env.length <= 64
    ) {
      if (storableProblem(appId, 'appId') === null && storableProblem(env, 'env') === null) return { appId, env };
      return undefined;
    }
  }
  return undefined;
}

/**
 * Counts every management request naming an environment against that environment's monthly quota, once the
 * caller is known to be a member whose role allows the route (runs after the auth and burst guards, so a
 * request they refuse costs nothing). Sets X-RateLimit-* on the response; 429 `Monthly quota exceeded` when
 * the month is spent, except on @QuotaExempt() routes (the kill switch), which are counted and never refused.
 * Unknown apps and environments, and callers without the right, pass uncounted: the handler answers them.
 * Runtime routes (no principal) pass at once, synchronously: they are counted by RuntimeAccess.
 */
@Injectable()
export class QuotaGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly environments: EnvironmentsService,
    private readonly quotas: QuotasService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<ManagementRequest>();
    if (!request.principal) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(QUOTA_UNCOUNTED, targets)) return true;
    const named = namedEnvironment(request);
    if (!named) return true;
    const right = rightOfScopes(this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, targets));
    const exempt = this.reflector.getAllAndOverride<boolean>(QUOTA_EXEMPT, targets) === true;
    return this.count(request.principal, named, right, exempt, context.switchToHttp().getResponse<FastifyReply>());
  }

  private async count(
    principal: Principal,
    named: { appId: string; env: string },
    right: AppRight,
    exempt: boolean,
    reply: FastifyReply,
  ): Promise<boolean> {
    const found = await this.environments.findAuthorized(principal, named.appId, named.env, right);
    if (!found) return true;
    applyQuotaDecision(await this.quotas.consume(found.environment.id, found.plan, exempt), reply);
    return true;
  }
}

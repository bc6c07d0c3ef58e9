import { type ArgumentMetadata, CanActivate, ExecutionContext, Injectable, SetMetadata, type Type } from '@nestjs/common';
import { PARAMTYPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { AppRight } from '@superflag/apps';
import { type Principal, REQUIRED_SCOPES } from '@superflag/auth';
import { QUOTA_EXEMPT, RequestValidationPipe, storableProblem } from '@superflag/core';
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

/** One argument of a route the global validation pipe checks: where its value comes from and its DTO. */
interface ValidatedArgument {
  source: 'body' | 'query' | 'params';
  metadata: ArgumentMetadata;
}

/** What counting needs to know about a route, read from its metadata once. */
interface CountedRoute {
  uncounted: boolean;
  right: AppRight;
  exempt: boolean;
  validated: ValidatedArgument[];
}

const SOURCES: Partial<Record<RouteParamtypes, ValidatedArgument['source']>> = {
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.PARAM]: 'params',
};
const METADATA_TYPES = { body: 'body', query: 'query', params: 'param' } as const;

/**
 * The @Body/@Query/@Param arguments of a handler as Nest hands them to the global pipe (the same metatype and
 * field name), from the route's own metadata.
 */
function validatedArguments(controller: Type<unknown>, handler: (...args: never[]) => unknown): ValidatedArgument[] {
  const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {};
  const types: unknown[] = Reflect.getMetadata(PARAMTYPES_METADATA, controller.prototype as object, handler.name) ?? [];
  const out: ValidatedArgument[] = [];
  for (const [key, { index, data }] of Object.entries(args)) {
    const source = SOURCES[Number(key.split(':')[0]) as RouteParamtypes];
    if (!source) continue;
    out.push({
      source,
      metadata: { type: METADATA_TYPES[source], metatype: types[index] as Type<unknown> | undefined, data: data as string | undefined },
    });
  }
  return out;
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

/**
 * Guards run before validation: a value PostgreSQL cannot compare (NUL, lone surrogate), or longer than any id or
 * name, is left for the validation pipe to refuse with 400 rather than sent to the database here.
 */
function usable(appId: string, env: string): { appId: string; env: string } | undefined {
  if (appId.length === 0 || env.length === 0 || appId.length > 64 || env.length > 64) return undefined;
  return storableProblem(appId, 'appId') === null && storableProblem(env, 'env') === null ? { appId, env } : undefined;
}

/**
 * The app and environment a request names: path `:appId`/`:envId`, else `appId`/`env` of its query, else of its
 * body, else the path's app with the query's environment.
 */
export function namedEnvironment(request: ManagementRequest): { appId: string; env: string } | undefined {
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : undefined;
  for (const source of [request.params, request.query, body]) {
    if (!source) continue;
    const appId = source.appId;
    const env = source.env ?? source.envId;
    if (typeof appId === 'string' && typeof env === 'string') return usable(appId, env);
  }
  // The app in the path, the environment in the query (Reflag's `GET /api/apps/{appId}/features?envId=`).
  const appId = request.params?.appId;
  const env = request.query?.envId ?? request.query?.env;
  if (typeof appId === 'string' && typeof env === 'string') return usable(appId, env);
  return undefined;
}

/**
 * Counts every management request naming an environment against that environment's monthly quota, once the
 * caller is known to be a member whose role allows the route (runs after the auth and burst guards, so a
 * request they refuse costs nothing). Guards run before pipes, so the request is first put through the same
 * validation the global pipe will apply to its arguments: a request the pipe refuses is neither counted nor,
 * over quota, refused with 429; it gets its 400. Sets X-RateLimit-* on the response; 429 `Monthly quota exceeded` when
 * the month is spent, except on @QuotaExempt() routes (the kill switch), which are counted and never refused.
 * Unknown apps and environments, and callers without the right, pass uncounted: the handler answers them.
 * Runtime routes (no principal) pass at once, synchronously: they are counted by RuntimeAccess.
 */
@Injectable()
export class QuotaGuard implements CanActivate {
  private readonly routes = new WeakMap<object, CountedRoute>();
  private readonly validation = new RequestValidationPipe();

  constructor(
    private readonly reflector: Reflector,
    private readonly environments: EnvironmentsService,
    private readonly quotas: QuotasService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<ManagementRequest>();
    if (!request.principal) return true;
    const route = this.routeOf(context);
    if (route.uncounted) return true;
    const named = namedEnvironment(request);
    if (!named) return true;
    return this.count(request, request.principal, named, route, context.switchToHttp().getResponse<FastifyReply>());
  }

  private routeOf(context: ExecutionContext): CountedRoute {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        uncounted: this.reflector.getAllAndOverride<boolean>(QUOTA_UNCOUNTED, targets) === true,
        right: rightOfScopes(this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, targets)),
        exempt: this.reflector.getAllAndOverride<boolean>(QUOTA_EXEMPT, targets) === true,
        validated: validatedArguments(context.getClass(), handler as (...args: never[]) => unknown),
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  private async count(
    request: ManagementRequest,
    principal: Principal,
    named: { appId: string; env: string },
    route: CountedRoute,
    reply: FastifyReply,
  ): Promise<boolean> {
    if (!(await this.passesValidation(request, route))) return true;
    const found = await this.environments.findAuthorized(principal, named.appId, named.env, route.right);
    if (!found) return true;
    applyQuotaDecision(await this.quotas.consume(found.environmentId, found.plan, route.exempt), reply);
    return true;
  }

  /** Whether the global pipe will accept every validated argument (it runs again on them afterwards; this keeps no result). */
  private async passesValidation(request: ManagementRequest, route: CountedRoute): Promise<boolean> {
    try {
      for (const { source, metadata } of route.validated) {
        const whole = request[source] as Record<string, unknown> | undefined;
        await this.validation.transform(metadata.data ? whole?.[metadata.data] : whole, metadata);
      }
      return true;
    } catch {
      return false;
    }
  }
}

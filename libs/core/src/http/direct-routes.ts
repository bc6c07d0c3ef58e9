import { type ExceptionFilter, type INestApplication, RequestMethod, SetMetadata, type Type } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  PIPES_METADATA,
  REDIRECT_METADATA,
  RENDER_METADATA,
  RESPONSE_PASSTHROUGH_METADATA,
  ROUTE_ARGS_METADATA,
  SSE_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ANONYMOUS_BURST, IS_PUBLIC } from './public.decorator';

export const DIRECT_ROUTE = 'superflag:direct-route';

/**
 * Serves a @Public() controller method straight from its Fastify route (serveDirectRoutes), without Nest's
 * per-request pipeline: no global guards, interceptors or pipes run, and its errors go to the global exception
 * filter. The Nest route stays what the OpenAPI document describes; only the handler Fastify calls changes.
 *
 * For the runtime hot path (config, evaluation), whose own code does every check (RuntimeAccess: key, burst
 * limits, quota). What the skipped pipeline would have done there is nothing: the global guards pass @Public()
 * routes without a principal, and the validation pipe leaves untyped (`unknown`) bodies as they are. The rules
 * that keep it so are enforced at start-up: @Public(), no guard/interceptor/pipe/filter of its own, no
 * @AnonymousBurstLimit(), parameters only @Req, @Res, @Body(), @Query, @Headers (untyped), a path without
 * parameters, and no @Header/@Redirect/@Render/@Sse.
 */
export const DirectRoute = () => SetMetadata(DIRECT_ROUTE, true);

type ArgumentOf = (request: FastifyRequest, reply: FastifyReply) => unknown;

interface Direct {
  name: string;
  verb: string;
  url: string;
  status: number;
  responseHandled: boolean;
  args: ArgumentOf[];
  call: (args: unknown[]) => unknown;
  served: boolean;
}

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');
const single = (path: unknown): string => (Array.isArray(path) ? (path.length === 1 ? String(path[0]) : '') : String(path ?? ''));

function refuse(name: string, why: string): never {
  throw new Error(`@DirectRoute() ${name}: ${why}`);
}

function argumentOf(name: string, key: string, entry: { index: number; data?: unknown; pipes?: unknown[] }, metatype: unknown): ArgumentOf {
  const [typeText] = key.split(':');
  const type = Number(typeText);
  if (!Number.isInteger(type)) refuse(name, `custom parameter decorators are not supported (${key})`);
  if (entry.pipes && entry.pipes.length > 0) refuse(name, 'parameter pipes are not supported');
  const data = entry.data;
  const untyped = metatype === undefined || metatype === Object;
  switch (type) {
    case RouteParamtypes.REQUEST:
      return (request) => request;
    case RouteParamtypes.RESPONSE:
      return (_request, reply) => reply;
    case RouteParamtypes.BODY:
      if (data !== undefined || !untyped)
        refuse(name, 'only an untyped whole @Body() is supported (the validation pipe would check a DTO)');
      return (request) => request.body;
    case RouteParamtypes.QUERY:
      if (!untyped) refuse(name, 'only untyped @Query() values are supported');
      return typeof data === 'string' ? (request) => (request.query as Record<string, unknown>)[data] : (request) => request.query;
    case RouteParamtypes.HEADERS:
      return typeof data === 'string' ? (request) => request.headers[data.toLowerCase()] : (request) => request.headers;
    default:
      return refuse(name, `parameter type ${RouteParamtypes[type] ?? type} is not supported`);
  }
}

function describe(instance: object, metatype: Type<unknown>, methodName: string): Direct {
  const method = (metatype.prototype as Record<string, (...args: unknown[]) => unknown>)[methodName];
  const name = `${metatype.name}.${methodName}`;
  const meta = (key: string) => Reflect.getMetadata(key, method) as unknown;
  const classMeta = (key: string) => Reflect.getMetadata(key, metatype) as unknown;
  if (meta(IS_PUBLIC) !== true && classMeta(IS_PUBLIC) !== true) refuse(name, 'must be @Public() (the auth guard is skipped)');
  if (meta(ANONYMOUS_BURST) || classMeta(ANONYMOUS_BURST)) refuse(name, '@AnonymousBurstLimit() needs the burst guard');
  for (const key of [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA]) {
    const own = [meta(key), classMeta(key)].flatMap((v) => (Array.isArray(v) ? v : []));
    if (own.length > 0) refuse(name, `${key} are not run on a direct route`);
  }
  for (const key of [HEADERS_METADATA, REDIRECT_METADATA, RENDER_METADATA, SSE_METADATA]) {
    const v = meta(key);
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) refuse(name, `${key} is not supported`);
  }
  const requestMethod = meta(METHOD_METADATA) as RequestMethod;
  const verb = RequestMethod[requestMethod];
  const url = joinPath(single(classMeta(PATH_METADATA)), single(meta(PATH_METADATA)));
  if (url.includes(':') || url.includes('*')) refuse(name, 'paths with parameters are not supported');
  const entries = (Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, methodName) ?? {}) as Record<
    string,
    { index: number; data?: unknown; pipes?: unknown[] }
  >;
  const paramtypes = (Reflect.getMetadata('design:paramtypes', metatype.prototype, methodName) ?? []) as unknown[];
  const args: ArgumentOf[] = [];
  let hasResponse = false;
  for (const [key, entry] of Object.entries(entries)) {
    if (Number(key.split(':')[0]) === RouteParamtypes.RESPONSE) hasResponse = true;
    args[entry.index] = argumentOf(name, key, entry, paramtypes[entry.index]);
  }
  for (let i = 0; i < method.length; i++) if (!args[i]) refuse(name, `parameter ${i} has no decorator`);
  const passthrough = Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, metatype, methodName) === true;
  const httpCode = meta(HTTP_CODE_METADATA) as number | undefined;
  return {
    name,
    verb,
    url,
    status: httpCode ?? (requestMethod === RequestMethod.POST ? 201 : 200),
    responseHandled: hasResponse && !passthrough,
    args,
    call: (values) => method.apply(instance, values),
    served: false,
  };
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

function handlerOf(route: Direct, filter: ExceptionFilter) {
  const fail = (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    filter.catch(err, new ExecutionContextHost([request, reply]));
  };
  const done = (value: unknown, reply: FastifyReply) => {
    if (!route.responseHandled && !reply.sent) reply.send(value);
  };
  const { args, call } = route;
  return function directHandler(request: FastifyRequest, reply: FastifyReply): void {
    // As Nest does: the route's status first, so that the handler may still change it (304).
    reply.code(route.status);
    let result: unknown;
    try {
      const values = new Array<unknown>(args.length);
      for (let i = 0; i < args.length; i++) values[i] = args[i](request, reply);
      result = call(values);
    } catch (err) {
      fail(err, request, reply);
      return;
    }
    if (isThenable(result))
      result.then(
        (value) => done(value, reply),
        (err: unknown) => fail(err, request, reply),
      );
    else done(result, reply);
  };
}

/**
 * Makes Fastify call the @DirectRoute() methods of every controller straight from their routes. Call it after
 * NestFactory.create and before app.init() (which registers the routes); it returns a check to run after init,
 * which fails start-up if a direct route was not found among the routes Nest registered.
 */
export function serveDirectRoutes(app: INestApplication, fastify: FastifyInstance, filter: ExceptionFilter): () => void {
  const routes = new Map<string, Direct>();
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    for (const wrapper of module.controllers.values()) {
      const metatype = wrapper.metatype as Type<unknown> | undefined;
      const instance = wrapper.instance as object | undefined;
      if (!metatype || !instance) continue;
      for (const methodName of Object.getOwnPropertyNames(metatype.prototype)) {
        const method = (metatype.prototype as Record<string, unknown>)[methodName];
        if (methodName === 'constructor' || typeof method !== 'function' || Reflect.getMetadata(DIRECT_ROUTE, method) !== true) continue;
        const route = describe(instance, metatype, methodName);
        routes.set(`${route.verb} ${route.url}`, route);
      }
    }
  }
  fastify.addHook('onRoute', (options: RouteOptions) => {
    const verbs = Array.isArray(options.method) ? options.method : [options.method];
    if (verbs.length !== 1) return;
    const route = routes.get(`${verbs[0]} ${options.url}`);
    if (!route) return;
    options.handler = handlerOf(route, filter);
    route.served = true;
  });
  return () => {
    const missing = [...routes.values()].filter((r) => !r.served).map((r) => `${r.name} (${r.verb} ${r.url})`);
    if (missing.length > 0) throw new Error(`@DirectRoute() routes not registered by Nest: ${missing.join(', ')}`);
  };
}

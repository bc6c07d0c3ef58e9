import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Observable } from 'rxjs';

interface RequestStore {
  reply: FastifyReply;
}

const storage = new AsyncLocalStorage<RequestStore>();

/**
 * The reply of the request being handled, for code deep in a service that must add a response header
 * (the monthly quota's X-RateLimit-* headers) without every layer passing the reply down.
 */
export const RequestContext = {
  reply(): FastifyReply | undefined {
    return storage.getStore()?.reply;
  },
};

/** Runs the handler inside the request context (applied to management routes by @RequireScopes). */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return new Observable((subscriber) => storage.run({ reply }, () => next.handle().subscribe(subscriber)));
  }
}

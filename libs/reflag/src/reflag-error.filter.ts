import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toReflagError } from './reflag-error';

/**
 * Reflag's routes answer errors in Reflag's shape (`{"error":{"code","message"}}`), bound to their controller
 * only: the project's own routes keep `{"error": "..."}` (the global ErrorFilter). It also catches what the
 * global guards throw for these routes (401, 403, 429), since Nest runs guards inside the route's handler.
 */
@Catch()
export class ReflagErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers, internal, databaseUnavailable } = toReflagError(exception);
    // As the global filter: the stack only, never the error's own fields (a QueryFailedError carries parameters).
    // A database outage is not logged per request: the dependency monitor reports it once.
    if (internal && !databaseUnavailable) {
      const msg = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error({ requestId: host.switchToHttp().getRequest<FastifyRequest | undefined>()?.id, msg });
    }
    if (reply.sent) return;
    reply.status(status).headers(headers).type('application/json; charset=utf-8').send(body);
  }
}

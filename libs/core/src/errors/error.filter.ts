import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-response';
import { databaseOutage } from './outage-log';

/** The one place errors become HTTP responses: `{"error": "..."}` with the right status. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers, internal, databaseUnavailable } = toErrorResponse(exception);
    if (databaseUnavailable) databaseOutage.failed(databaseUnavailable);
    else if (internal) {
      // The stack only, never the error's own fields (a QueryFailedError carries the query's parameters).
      const msg = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error({ requestId: host.switchToHttp().getRequest<FastifyRequest | undefined>()?.id, msg });
    }
    if (reply.sent) return;
    reply.status(status).headers(headers).type('application/json; charset=utf-8').send(body);
  }
}

import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { Observable } from 'rxjs';

export const QUOTA_EXEMPT = 'superflag:quota-exempt';
const EXEMPT = Symbol('superflag:quota-exempt');

@Injectable()
class QuotaExemptInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    context.switchToHttp().getRequest<Record<symbol, unknown>>()[EXEMPT] = true;
    return next.handle();
  }
}

/**
 * The kill switch: a management route the owner must be able to call when the environment's monthly quota is
 * spent (turning a flag off, rolling back, revoking the abused key or token, raising the plan). Its request is
 * still counted against the quota, but never refused for it. The quota reads the mark from the request it charges.
 */
export const QuotaExempt = () => applyDecorators(SetMetadata(QUOTA_EXEMPT, true), UseInterceptors(QuotaExemptInterceptor));

/** Whether the request was marked by a @QuotaExempt() route. */
export function isQuotaExempt(request: unknown): boolean {
  return typeof request === 'object' && request !== null && (request as Record<symbol, unknown>)[EXEMPT] === true;
}

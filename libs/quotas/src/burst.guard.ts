import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ANONYMOUS_BURST, tooManyRequests } from '@superflag/core';

interface RequestWithPrincipal {
  principal?: { tokenId?: string; appKeyId?: string };
  ip: string;
}

/**
 * Short-window limits on top of the monthly quota (@nestjs/throttler over the shared counter store): per cli_
 * token on management routes, per client IP on anonymous routes marked @AnonymousBurstLimit(). Runs after the
 * auth guard, so it knows the token. Its 429 says `Too many requests`, unlike the quota's.
 */
@Injectable()
export class BurstGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as RequestWithPrincipal;
    // Each credential has its own bucket: a cli_ token, or an app's mgmt_ key.
    if (r.principal) return r.principal.tokenId ? `token:${r.principal.tokenId}` : `appkey:${r.principal.appKeyId}`;
    return `ip:${r.ip}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw tooManyRequests('Too many requests', detail.timeToBlockExpire);
  }
}

/** Which of the two named throttlers applies to a request. */
export function burstSkips(reflector: Reflector) {
  return {
    token: (context: ExecutionContext) => !context.switchToHttp().getRequest<RequestWithPrincipal>().principal,
    ip: (context: ExecutionContext) =>
      !!context.switchToHttp().getRequest<RequestWithPrincipal>().principal ||
      !reflector.getAllAndOverride<boolean>(ANONYMOUS_BURST, [context.getHandler(), context.getClass()]),
  };
}

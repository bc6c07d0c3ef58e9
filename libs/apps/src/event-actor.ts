import type { Principal } from '@superflag/auth';
import type { EventActor } from '@superflag/core';

/** Who a domain event says did the change. */
export function eventActor(principal: Principal): EventActor {
  return principal.kind === 'user' ? { type: 'user', id: principal.userId } : { type: 'management_key', id: principal.appKeyId };
}

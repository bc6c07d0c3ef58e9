import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'superflag:public';
/** Marks a controller or route as reachable without a management token (health, signup, login, runtime APIs with their own auth). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const ANONYMOUS_BURST = 'superflag:anonymous-burst';
/** Marks an unauthenticated route (signup, login) that the burst limiter bounds per client IP. */
export const AnonymousBurstLimit = () => SetMetadata(ANONYMOUS_BURST, true);

import { Injectable } from '@nestjs/common';

/** Time source, injected so tests can move it (token expiry, month rollovers for quotas). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

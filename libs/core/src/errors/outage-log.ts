import { Logger } from '@nestjs/common';

/**
 * One warning per outage of a dependency, however many requests fail during it, and one line when it ends.
 * An outage starts with the first failure reported (by a request or by the DependencyMonitor's ping) and
 * ends when the monitor sees the dependency answer again.
 */
export class OutageLog {
  private readonly logger: Logger;
  private since?: number;

  constructor(
    private readonly dependency: string,
    private readonly consequence: string,
  ) {
    this.logger = new Logger(dependency);
  }

  get active(): boolean {
    return this.since !== undefined;
  }

  /** `reason` is an error code or a driver message: never SQL or parameters. */
  failed(reason: string): void {
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.logger.warn(`${this.dependency} unavailable (${reason}): ${this.consequence}`);
  }

  recovered(): void {
    if (this.since === undefined) return;
    const seconds = ((Date.now() - this.since) / 1000).toFixed(1);
    this.since = undefined;
    this.logger.log(`${this.dependency} available again after ${seconds} s`);
  }
}

/**
 * Process-wide because the error filter is built with `new` before the app's providers exist; several apps in
 * one process (tests) only share the de-duplication of this log line.
 */
export const databaseOutage = new OutageLog(
  'PostgreSQL',
  'requests that need the database answer 503 until it is back; runtime reads are served from memory',
);

import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig, Clock } from '@superflag/core';
import { retryDelayMs } from './backoff';
import { type AttemptRecord, type ClaimedDelivery, DeliveryStore } from './delivery.store';
import { reasonOf } from './sql-rows';
import { type AttemptOutcome, deliver } from './webhook-sender';
import { WebhookSecrets } from './webhook-secrets';

/** Time past the attempt's own timeout before a claimed delivery may be claimed again (recording its outcome). */
const LEASE_MARGIN_MS = 15_000;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Sends due deliveries, on every replica: claims them from the outbox (DeliveryStore.claim: FOR UPDATE SKIP
 * LOCKED, so each attempt is made by one worker), at most WEBHOOK_CONCURRENCY attempts at a time, then records the
 * outcome and schedules the retry. Woken at once by the relay for deliveries this replica enqueued, otherwise
 * every WEBHOOK_POLL_MS, and at the due time of a retry it scheduled itself. On shutdown it stops claiming when
 * the HTTP drain begins and lets the attempts in flight finish (each is bounded by WEBHOOK_TIMEOUT_MS) and record
 * their outcome before the data source closes; what is still pending is another replica's, or this one's after
 * its restart.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = true;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Infinity;
  private lastPurge = 0;
  private failing = false;

  constructor(
    private readonly store: DeliveryStore,
    private readonly secrets: WebhookSecrets,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // Without a key this replica can sign nothing: it leaves every delivery to replicas that have one.
    if (this.secrets.keyId === null) return;
    this.stopped = false;
    this.wake();
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.beforeApplicationShutdown();
    await this.claiming;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims what is due now (deliveries just enqueued on this replica, a retry that came due). */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claimDue().finally(() => {
      this.claiming = null;
      this.wakeIn(this.config.WEBHOOK_POLL_MS);
    });
  }

  /** Attempts in flight on this replica. */
  get busy(): number {
    return this.inFlight.size;
  }

  private async claimDue(): Promise<void> {
    try {
      do {
        this.claimAgain = false;
        const free = this.config.WEBHOOK_CONCURRENCY - this.inFlight.size;
        if (free <= 0 || this.stopped) return;
        const claimed = await this.store.claim(free, this.config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS, this.secrets.keyId!);
        for (const delivery of claimed) this.start(delivery);
        // A full batch may leave more due: each finished attempt wakes the worker for them.
      } while (this.claimAgain && !this.stopped);
      await this.purgeNowAndThen();
      if (this.failing) this.logger.log('Webhook deliveries resumed: the database answers again');
      this.failing = false;
    } catch (err) {
      // Once per outage: the poll keeps trying.
      if (!this.failing) this.logger.warn(`Cannot claim webhook deliveries: ${reasonOf(err)}`);
      this.failing = true;
    }
  }

  private start(delivery: ClaimedDelivery): void {
    const run: Promise<void> = this.attempt(delivery)
      .catch((err: unknown) => {
        // The outcome could not be recorded (the database went away): the lease runs out and the delivery is
        // attempted again, with the same webhook-id, by whichever worker claims it then.
        this.logger.warn(`Webhook delivery ${delivery.id}: outcome not recorded: ${reasonOf(err)}`);
      })
      .finally(() => {
        this.inFlight.delete(run);
        this.wake();
      });
    this.inFlight.add(run);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const at = this.clock.now();
    const secret = this.secrets.open(delivery.secretEncrypted, delivery.webhookId);
    const outcome: AttemptOutcome =
      secret === null
        ? {
            ok: false,
            responseCode: null,
            durationMs: 0,
            error: 'the signing secret cannot be decrypted (was WEBHOOK_SECRET_KEY changed?)',
          }
        : await deliver({
            url: delivery.url,
            messageId: delivery.id,
            body: delivery.payload,
            secret,
            timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
            allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE,
            at,
          });
    const record: AttemptRecord = {
      attempt: delivery.attempt,
      at: at.toISOString(),
      responseCode: outcome.responseCode,
      durationMs: outcome.durationMs,
      error: outcome.error,
    };
    if (outcome.ok) return this.store.finish(delivery.id, record, { status: 'succeeded' });
    if (delivery.attempt >= this.config.WEBHOOK_MAX_ATTEMPTS || secret === null)
      return this.store.finish(delivery.id, record, { status: 'failed' });
    const retryInMs = retryDelayMs(delivery.attempt, this.config.WEBHOOK_RETRY_BASE_MS);
    await this.store.finish(delivery.id, record, { status: 'pending', retryInMs });
    this.wakeIn(retryInMs);
  }

  /** Arms the one timer for `ms` from now, unless it already fires sooner. */
  private wakeIn(ms: number): void {
    if (this.stopped) return;
    const dueAt = Date.now() + ms;
    if (this.timer && this.timerDueAt <= dueAt) return;
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      this.wake();
    }, ms);
    this.timer.unref();
  }

  /** Finished deliveries older than WEBHOOK_RETENTION_DAYS go, once an hour per replica. */
  private async purgeNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    await this.store.purge(this.config.WEBHOOK_RETENTION_DAYS);
  }
}

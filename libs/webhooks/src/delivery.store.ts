import { Injectable } from '@nestjs/common';
import { type Page, type PageRequest, toPage, Transactions } from '@superflag/core';
import { asDate, returnedRows } from './sql-rows';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One attempt of a delivery, as recorded. */
export interface AttemptRecord {
  attempt: number;
  at: string;
  responseCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface Delivery {
  /** The Standard Webhooks message id (webhook-id). */
  id: string;
  seq: string;
  webhookId: string;
  appId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  attemptLog: AttemptRecord[];
  createdAt: Date;
  updatedAt: Date;
}

/** A delivery a worker claimed: what it needs to make one attempt. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  /** This attempt's number (1 = the first). */
  attempt: number;
  payload: string;
  url: string;
  secretEncrypted: string;
}

export interface NewDelivery {
  id: string;
  webhookId: string;
}

interface DeliveryRow {
  id: string;
  seq: string | number;
  webhook_id: string;
  app_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | string | null;
  attempt_log: AttemptRecord[] | string;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'id, seq, webhook_id, app_id, event_type, status, attempts, next_attempt_at, attempt_log, created_at, updated_at';

const fromRow = (r: DeliveryRow): Delivery => ({
  id: r.id,
  // String(): node-postgres hands a bigint over as a string, the embedded engine as a number.
  seq: String(r.seq),
  webhookId: r.webhook_id,
  appId: r.app_id,
  eventType: r.event_type,
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at === null ? null : asDate(r.next_attempt_at),
  attemptLog: typeof r.attempt_log === 'string' ? (JSON.parse(r.attempt_log) as AttemptRecord[]) : r.attempt_log,
  createdAt: asDate(r.created_at),
  updatedAt: asDate(r.updated_at),
});

/**
 * Every query of `webhook_deliveries`, the outbox. Times are the database's (`now()`), so replicas whose clocks
 * differ agree on what is due.
 */
@Injectable()
export class DeliveryStore {
  constructor(private readonly transactions: Transactions) {}

  /**
   * One pending delivery per (id, webhook), due now, all with the same event and body, in one statement. A webhook
   * deleted meanwhile is skipped by the join.
   */
  async enqueue(appId: string, eventType: string, payload: string, deliveries: readonly NewDelivery[]): Promise<Delivery[]> {
    if (deliveries.length === 0) return [];
    const rows = await this.transactions.manager().query(
      `INSERT INTO webhook_deliveries (id, webhook_id, app_id, event_type, payload, next_attempt_at)
       SELECT m.id, w.id, w.app_id, $4, $5, now()
         FROM unnest($1::varchar[], $2::varchar[]) AS m(id, webhook_id)
         JOIN webhooks w ON w.id = m.webhook_id AND w.app_id = $3
       RETURNING ${COLUMNS}`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.webhookId), appId, eventType, payload],
    );
    return returnedRows<DeliveryRow>(rows).map(fromRow);
  }

  /**
   * Claims up to `limit` due deliveries for this worker: each gets its attempt number and is pushed `leaseMs`
   * into the future, so no other worker takes it while the attempt runs, and another does once the lease ran
   * out if this replica died mid-attempt. SKIP LOCKED: workers of several replicas claiming at once each get
   * other rows instead of waiting on each other's. Only deliveries of webhooks whose secret was sealed with
   * `keyId` (the second field of `v1:<key id>:…`): what this replica cannot sign stays for one that can.
   */
  async claim(limit: number, leaseMs: number, keyId: string): Promise<ClaimedDelivery[]> {
    const rows = await this.transactions.manager().query(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND split_part(w.secret_encrypted, ':', 2) = $3
          ORDER BY d.next_attempt_at
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond', updated_at = now()
         FROM due, webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.id, d.webhook_id, d.attempts, d.payload, w.url, w.secret_encrypted`,
      [limit, leaseMs, keyId],
    );
    return returnedRows<{ id: string; webhook_id: string; attempts: number; payload: string; url: string; secret_encrypted: string }>(
      rows,
    ).map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      attempt: Number(r.attempts),
      payload: r.payload,
      url: r.url,
      secretEncrypted: r.secret_encrypted,
    }));
  }

  /**
   * Records an attempt's outcome: succeeded, failed for good, or pending again after `retryInMs`. Only while the
   * delivery is still this attempt's (a worker whose lease ran out must not overwrite a newer attempt).
   */
  async finish(
    id: string,
    record: AttemptRecord,
    outcome: { status: 'succeeded' | 'failed' } | { status: 'pending'; retryInMs: number },
  ): Promise<void> {
    const retryInMs = outcome.status === 'pending' ? outcome.retryInMs : null;
    await this.transactions.manager().query(
      `UPDATE webhook_deliveries
          SET status = $3,
              next_attempt_at = CASE WHEN $4::bigint IS NULL THEN NULL ELSE now() + $4::bigint * interval '1 millisecond' END,
              attempt_log = attempt_log || $5::jsonb,
              updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [id, record.attempt, outcome.status, retryInMs, JSON.stringify([record])],
    );
  }

  /** One page of a webhook's deliveries, newest first; `page.after` holds the seq of the previous page's last one. */
  async page(webhookId: string, page: PageRequest): Promise<Page<Delivery>> {
    const after = page.after?.[0];
    const rows = await this.transactions.manager().query(
      `SELECT ${COLUMNS} FROM webhook_deliveries
        WHERE webhook_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint)
        ORDER BY seq DESC LIMIT $3`,
      [webhookId, after ?? null, page.limit + 1],
    );
    return toPage(returnedRows<DeliveryRow>(rows).map(fromRow), page.limit, (d) => [d.seq]);
  }

  /** Deletes finished deliveries last touched more than `days` ago; returns how many. */
  async purge(days: number): Promise<number> {
    const rows = await this.transactions
      .manager()
      .query(`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < now() - $1 * interval '1 day' RETURNING id`, [
        days,
      ]);
    return returnedRows(rows).length;
  }
}

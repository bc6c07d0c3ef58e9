import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions } from '@superflag/core';
import { asDate, returnedRows } from './sql-rows';

export interface Webhook {
  id: string;
  appId: string;
  url: string;
  /** The events it receives; null: every event. */
  events: string[] | null;
  secretEncrypted: string;
  createdBy: string | null;
  createdAt: Date;
}

export type NewWebhook = Omit<Webhook, 'createdAt'>;

interface WebhookRow {
  id: string;
  app_id: string;
  url: string;
  events: string[] | null;
  secret_encrypted: string;
  created_by: string | null;
  created_at: Date | string;
}

const COLUMNS = 'id, app_id, url, events, secret_encrypted, created_by, created_at';

const fromRow = (r: WebhookRow): Webhook => ({
  id: r.id,
  appId: r.app_id,
  url: r.url,
  events: r.events,
  secretEncrypted: r.secret_encrypted,
  createdBy: r.created_by,
  createdAt: asDate(r.created_at),
});

/** Every query of `webhooks`. */
@Injectable()
export class WebhookStore {
  constructor(private readonly transactions: Transactions) {}

  async count(appId: string, tx: Transaction): Promise<number> {
    const [row] = await this.transactions.manager(tx).query(`SELECT count(*)::int AS n FROM webhooks WHERE app_id = $1`, [appId]);
    return Number((row as { n: number }).n);
  }

  async insert(webhook: NewWebhook, tx: Transaction): Promise<Webhook> {
    const rows = await this.transactions
      .manager(tx)
      .query(
        `INSERT INTO webhooks (id, app_id, url, events, secret_encrypted, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [webhook.id, webhook.appId, webhook.url, webhook.events, webhook.secretEncrypted, webhook.createdBy],
      );
    return fromRow(returnedRows<WebhookRow>(rows)[0]);
  }

  /** An app's webhooks, oldest first (at most LIMIT_WEBHOOKS_PER_APP of them: no paging). */
  async list(appId: string): Promise<Webhook[]> {
    const rows = await this.transactions
      .manager()
      .query(`SELECT ${COLUMNS} FROM webhooks WHERE app_id = $1 ORDER BY created_at, id`, [appId]);
    return returnedRows<WebhookRow>(rows).map(fromRow);
  }

  async find(appId: string, id: string): Promise<Webhook | null> {
    const rows = await this.transactions.manager().query(`SELECT ${COLUMNS} FROM webhooks WHERE app_id = $1 AND id = $2`, [appId, id]);
    const [row] = returnedRows<WebhookRow>(rows);
    return row ? fromRow(row) : null;
  }

  /** Whether it existed; its deliveries go with it (foreign key). */
  async delete(appId: string, id: string): Promise<boolean> {
    const result = await this.transactions.manager().query(`DELETE FROM webhooks WHERE app_id = $1 AND id = $2 RETURNING id`, [appId, id]);
    return returnedRows(result).length > 0;
  }

  /**
   * The ids of the app's webhooks that receive `type`, and the name of `environmentId` when one is given. The
   * name is read from the environments table (libs/environments), whose public id the event carries: the bus's
   * flag.changed has no name and no exported service maps an id to one without a caller to authorise.
   */
  async subscribers(appId: string, type: string, environmentId?: string): Promise<{ ids: string[]; environmentName: string | null }> {
    const rows = await this.transactions.manager().query(
      `SELECT w.id, (SELECT e.name FROM environments e WHERE e.id = $3 AND e.app_id = $1) AS environment_name
         FROM webhooks w WHERE w.app_id = $1 AND (w.events IS NULL OR $2 = ANY(w.events))`,
      [appId, type, environmentId ?? null],
    );
    const found = returnedRows<{ id: string; environment_name: string | null }>(rows);
    return { ids: found.map((r) => r.id), environmentName: found[0]?.environment_name ?? null };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Requests one replica served for one environment in one month since its last write. */
export interface UsageDelta {
  environmentId: string;
  month: string;
  served: number;
}

/** The durable monthly usage (environment_usage): additive deltas from every replica, read back to restore the counters. */
export interface UsageStore {
  add(deltas: UsageDelta[]): Promise<void>;
  served(environmentIds: string[], month: string): Promise<Map<string, number>>;
}

@Injectable()
export class PgUsageStore implements UsageStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One statement for the whole batch, so a flush is applied entirely or not at all (and retried whole).
   * Rows go in key order so concurrent flushes from several replicas lock them in the same order (no deadlock).
   * Rows of environments deleted meanwhile are skipped rather than failing the batch on the foreign key.
   * The rows go as one JSON parameter: one bind whatever the batch size, and the same on the embedded engine.
   */
  async add(deltas: UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO environment_usage (environment_id, month, served)
       SELECT d.environment_id, d.month, d.served
         FROM json_to_recordset($1::json) AS d(environment_id text, month text, served bigint)
         JOIN environments e ON e.id = d.environment_id
       ORDER BY d.environment_id
       ON CONFLICT (environment_id, month)
       DO UPDATE SET served = environment_usage.served + EXCLUDED.served, updated_at = now()`,
      [JSON.stringify(deltas.map((d) => ({ environment_id: d.environmentId, month: d.month, served: d.served })))],
    );
  }

  async served(environmentIds: string[], month: string): Promise<Map<string, number>> {
    if (environmentIds.length === 0) return new Map();
    const rows: Array<{ environment_id: string; served: string }> = await this.dataSource.query(
      `SELECT environment_id, served FROM environment_usage WHERE month = $1 AND environment_id IN (SELECT json_array_elements_text($2::json))`,
      [month, JSON.stringify(environmentIds)],
    );
    return new Map(rows.map((r) => [r.environment_id, Number(r.served)]));
  }
}

import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions } from '@superflag/core';

/**
 * The savepoints of a combined write (VersionedWrite): one per write, none released. Releasing one would cost
 * a round trip inside the environment's row lock and gains nothing: a released subtransaction keeps its id until
 * the top transaction ends all the same, and the batch is bounded (MAX_COMBINED, below PostgreSQL's 64 cached
 * subtransaction ids per backend). `ROLLBACK TO` a savepoint undoes what was written after it and keeps the rest.
 */
@Injectable()
export class WriteBatchStore {
  constructor(private readonly transactions: Transactions) {}

  async mark(tx: Transaction, index: number): Promise<void> {
    await this.transactions.manager(tx).query(`SAVEPOINT combined_${index}`);
  }

  async undo(tx: Transaction, index: number): Promise<void> {
    await this.transactions.manager(tx).query(`ROLLBACK TO SAVEPOINT combined_${index}`);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

declare const OPEN_TRANSACTION: unique symbol;

/**
 * An open database transaction as services see it: a handle they pass on to stores, with nothing to query
 * with, so rules stay apart from persistence. Only stores turn it back into a manager (`Transactions.manager`).
 */
export type Transaction = { readonly [OPEN_TRANSACTION]: true };

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * Where transactions start (in services: "every multi-row write is one transaction") and how stores join them.
 * The handle is the transaction's EntityManager itself, typed opaque: passing it costs nothing.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  run<T>(work: (tx: Transaction) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const inTx = (manager: EntityManager) => work(manager as unknown as Transaction);
    return isolation ? this.dataSource.transaction(isolation, inTx) : this.dataSource.transaction(inTx);
  }

  /**
   * Runs `work` inside `tx` behind a savepoint: when it throws, what it wrote is rolled back and the transaction
   * goes on (the error is rethrown); when it resolves, its writes stay part of `tx`.
   */
  savepoint<T>(tx: Transaction, work: (tx: Transaction) => Promise<T>): Promise<T> {
    // TypeORM turns a transaction started on a manager already in one into SAVEPOINT / RELEASE / ROLLBACK TO.
    return (tx as unknown as EntityManager).transaction((manager) => work(manager as unknown as Transaction));
  }

  /** For stores: the manager of `tx`, or outside a transaction the data source's own. */
  manager(tx?: Transaction): EntityManager {
    return tx ? (tx as unknown as EntityManager) : this.dataSource.manager;
  }
}

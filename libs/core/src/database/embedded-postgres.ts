import { PGlite } from '@electric-sql/pglite';
import { EventEmitter } from 'node:events';

type Row = Record<string, unknown>;
interface PgResult {
  rows: Row[];
  rowCount: number;
  command: string;
}

/**
 * A `pg`-compatible pool over one in-process PGlite (PostgreSQL compiled to WASM) database.
 *
 * PGlite is a single session. TypeORM runs a transaction as BEGIN/…/COMMIT on a pooled connection, so two
 * concurrent transactions on a shared session would interleave. This pool therefore hands out its one
 * connection to one holder at a time (FIFO), which gives the embedded default the same isolation a real
 * PostgreSQL gives per connection. Results are shaped like `pg`'s (rows, rowCount, command) so TypeORM's
 * affected-row counts work.
 */
class EmbeddedConnection extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<PgResult> {
    if (params && params.length > 0) {
      const r = await this.db.query<Row>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command: commandOf(sql) };
    }
    const results = await this.db.exec(sql);
    const last = results[results.length - 1];
    return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0, command: commandOf(sql) };
  }
}

function commandOf(sql: string): string {
  const m = /^\s*(?:WITH\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql);
  return (m?.[1] ?? '').toUpperCase();
}

export function embeddedPostgresDriver(dataDir: string) {
  class EmbeddedPool extends EventEmitter {
    private db?: Promise<PGlite>;
    private connection?: EmbeddedConnection;
    private readonly waiters: Array<() => void> = [];
    private busy = false;

    /** The counts `pg.Pool` reports, for the pool metrics: one connection, opened on first use. */
    get totalCount(): number {
      return this.connection ? 1 : 0;
    }

    get idleCount(): number {
      return this.connection && !this.busy ? 1 : 0;
    }

    get waitingCount(): number {
      return this.waiters.length;
    }

    private open(): Promise<PGlite> {
      this.db ??= PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
      return this.db;
    }

    private acquire(): Promise<void> {
      if (!this.busy) {
        this.busy = true;
        return Promise.resolve();
      }
      return new Promise((resolve) => this.waiters.push(resolve));
    }

    private release(): void {
      const next = this.waiters.shift();
      if (next) next();
      else this.busy = false;
    }

    connect(callback: (err: Error | null, conn?: EmbeddedConnection, done?: () => void) => void): void {
      this.acquire()
        .then(() => this.open())
        .then((db) => {
          this.connection ??= new EmbeddedConnection(db);
          let released = false;
          callback(null, this.connection, () => {
            if (!released) {
              released = true;
              this.release();
            }
          });
        })
        .catch((err: Error) => {
          this.release();
          callback(err);
        });
    }

    end(callback?: (err: Error | null) => void): void {
      const closing = this.db ? this.db.then((db) => db.close()) : Promise.resolve();
      this.db = undefined;
      this.connection = undefined;
      closing.then(
        () => callback?.(null),
        (err: Error) => callback?.(err),
      );
    }
  }
  return { Pool: EmbeddedPool };
}

import pg from 'pg';

const READ_TIMEOUT = 'Query read timeout';

/** The live clients of each pool, by the options object pg-pool hands every client it creates. */
const poolsClients = new WeakMap<object, Set<PgClient>>();

/**
 * The pool's PostgreSQL client. When a statement outlives `query_timeout`, the server stopped answering (one
 * that is up cancels it at statement_timeout, a second earlier): a partition or a dropped route, which
 * nothing else notices (no FIN, no RST; TCP keepalive takes minutes). `pg` rejects that query but keeps the
 * connection with the unanswered statement in flight, so every later query on it (TypeORM's ROLLBACK, the
 * next request handed this pooled client) would wait its own full timeout behind it; and the pool's other
 * connections go over the same dead path, each costing the next request that draws it the same wait.
 *
 * So the first read timeout abandons every connection of the pool: queries in flight fail at once (503),
 * idle clients leave the pool (pg-pool drops an idle client that errors; TypeORM releases a checked-out one
 * with its error, which drops it too), and later requests open new connections, bounded by
 * connectionTimeoutMillis while the server is away and healthy as soon as it is back.
 */
export class PgClient extends pg.Client {
  private readonly peers: Set<PgClient>;

  constructor(config: object) {
    super(config);
    let peers = poolsClients.get(config);
    if (!peers) poolsClients.set(config, (peers = new Set()));
    this.peers = peers;
    peers.add(this);
    this.once('end', () => peers.delete(this));
  }

  override query(...args: unknown[]): unknown {
    const result = super.query(...args);
    // Only the promise form is watched: TypeORM never passes callbacks (and streams are not used here).
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        if ((err as { message?: unknown } | null)?.message === READ_TIMEOUT) for (const peer of this.peers) peer.abandon();
      });
    }
    return result;
  }

  private abandon(): void {
    this.peers.delete(this);
    this.connection.stream.destroy();
  }
}

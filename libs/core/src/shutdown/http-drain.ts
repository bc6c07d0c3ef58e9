import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { Server as HttpServer } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';

const POLL_MS = 10;

/**
 * How long a kept-alive connection must have gone without a request before the drain closes it (or the
 * server's keepAliveTimeout, if shorter: Node would close it then anyway). A client looping on a connection
 * sends its next request microseconds after the last response: closing a connection the moment it is idle
 * resets that request, where waiting this long means the client has stopped using it.
 */
const IDLE_MS = 1000;

/**
 * The HTTP half of a graceful shutdown. Draining starts on SIGTERM (or app.close()): readiness fails at once
 * and every response from then on says `Connection: close`, so each kept-alive connection is closed by the
 * server right after its next response, never while a request may be on its way. The listener keeps accepting
 * connections for SHUTDOWN_DELAY_MS (load balancers that still route here get answers), then closes. A
 * connection with no request since then is closed once it has been idle a while (IDLE_MS); one whose request
 * is still arriving or running is left to finish. After SHUTDOWN_GRACE_MS, all connections are closed. Only
 * then does Nest go on to close the HTTP server and, after it, the database and Redis: a handler never sees
 * its pool closed under it.
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  /**
   * Requests whose response has not closed yet (SSE streams included), by a number of their own: keyed by the
   * reply objects themselves, V8 would have to give each an identity hash, which measurably slowed every
   * request (+4 µs of CPU and twice the p99 on the config endpoint).
   */
  private readonly active = new Map<number, FastifyReply>();
  private lastTicket = 0;
  private deadline?: number;
  /** When the listener stopped accepting connections; undefined before (and during SHUTDOWN_DELAY_MS). */
  private listenerClosedAt?: number;
  private closeListener?: NodeJS.Timeout;
  private forceClose?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get draining(): boolean {
    return this.deadline !== undefined;
  }

  /** Requests whose response has not closed yet, streams included. */
  get inFlight(): number {
    return this.active.size;
  }

  /** Requests whose handler is still at work: not answered yet, and not handed over to a stream (hijacked). */
  get pending(): number {
    let n = 0;
    for (const reply of this.active.values()) if (!reply.sent) n++;
    return n;
  }

  /** Called for every request as it arrives; returns the ticket to pass to `finished` when its response closes. */
  started(reply: FastifyReply): number {
    const ticket = (this.lastTicket = (this.lastTicket + 1) % Number.MAX_SAFE_INTEGER);
    this.active.set(ticket, reply);
    if (this.deadline !== undefined) reply.header('connection', 'close');
    return ticket;
  }

  finished(ticket: number): void {
    this.active.delete(ticket);
  }

  /** Fails readiness, and stops accepting connections after SHUTDOWN_DELAY_MS; idempotent. */
  begin(reason: string): void {
    if (this.deadline !== undefined) return;
    const grace = this.config.SHUTDOWN_GRACE_MS;
    // The delay is part of the grace period: the process must still exit within SHUTDOWN_GRACE_MS.
    const delay = Math.min(this.config.SHUTDOWN_DELAY_MS, grace);
    this.deadline = Date.now() + grace;
    for (const reply of this.active.values()) if (!reply.sent) reply.header('connection', 'close');
    const server = this.server();
    if (delay === 0) this.stopListening(server);
    // Closed after the next poll phase, which accepts (and so serves) the connections already waiting in the
    // listen backlog: closing the listener resets whatever is still in it.
    else this.closeListener = setTimeout(() => setImmediate(() => this.stopListening(server)), delay).unref();
    this.forceClose = setTimeout(() => {
      const left = this.pending;
      if (left > 0) this.logger.warn(`${left} request(s) still running after SHUTDOWN_GRACE_MS=${grace}: closing their connections`);
      server?.closeAllConnections();
    }, grace).unref();
    const listener = delay === 0 ? 'listener closed' : `listener closes in ${delay} ms (SHUTDOWN_DELAY_MS)`;
    this.logger.log(`${reason}: readiness fails, ${listener}, ${this.pending} request(s) in flight`);
  }

  /**
   * Waits until every connection has closed, at most until the grace period ends. Connections that go on
   * sending requests close themselves after their next response (`Connection: close`); the others are closed
   * once the listener is closed and they have been idle long enough.
   */
  async settle(): Promise<void> {
    const server = this.server();
    const idleMs = Math.min(IDLE_MS, server?.keepAliveTimeout || IDLE_MS);
    while (Date.now() < (this.deadline ?? 0)) {
      if (this.listenerClosedAt !== undefined) {
        // Idle here means no request begun, not even partly received, and no response unfinished (Node's own
        // bookkeeping). Every connection accepted before listenerClosedAt with a request since the signal
        // closes after its response, so an idle one has gone without a request for at least idleMs.
        if (Date.now() >= this.listenerClosedAt + idleMs) server?.closeIdleConnections();
        if (this.pending === 0 && (await openConnections(server)) === 0) return;
      }
      await sleep(POLL_MS);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.begin('Closing');
    await this.settle();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.closeListener);
    clearTimeout(this.forceClose);
  }

  private stopListening(server: HttpServer | undefined): void {
    this.listenerClosedAt = Date.now();
    // net.Server's close rather than http.Server's, which also drops idle kept-alive connections at once: a
    // client sending on one of them would get a reset instead of a response. They are closed in settle().
    if (server?.listening) NetServer.prototype.close.call(server);
  }

  private server(): HttpServer | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
  }
}

function openConnections(server: HttpServer | undefined): Promise<number> {
  if (!server) return Promise.resolve(0);
  return new Promise((resolve) => server.getConnections((err, count) => resolve(err ? 0 : count)));
}

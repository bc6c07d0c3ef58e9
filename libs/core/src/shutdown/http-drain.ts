import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { Server as HttpServer } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';

const POLL_MS = 10;

/**
 * The HTTP half of a graceful shutdown. Draining starts on SIGTERM (or app.close()): readiness fails at once,
 * the listener stops accepting connections, and every response from then on says `Connection: close`.
 * Requests on connections already open are still served, so a client or proxy that is sending on a kept-alive
 * connection gets an answer rather than a reset. Once no handler is at work, idle connections are closed;
 * after SHUTDOWN_GRACE_MS, all of them. Only then does Nest go on to close the HTTP server and, after it, the
 * database and Redis: a handler never sees its pool closed under it.
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

  /** Fails readiness and stops accepting connections; idempotent. */
  begin(reason: string): void {
    if (this.deadline !== undefined) return;
    const grace = this.config.SHUTDOWN_GRACE_MS;
    this.deadline = Date.now() + grace;
    for (const reply of this.active.values()) if (!reply.sent) reply.header('connection', 'close');
    const server = this.server();
    // net.Server's close rather than http.Server's, which also drops idle kept-alive connections at once: a
    // client sending on one of them would get a reset instead of a response. They are closed in settle().
    if (server?.listening) NetServer.prototype.close.call(server);
    this.forceClose = setTimeout(() => {
      const left = this.pending;
      if (left > 0) this.logger.warn(`${left} request(s) still running after SHUTDOWN_GRACE_MS=${grace}: closing their connections`);
      server?.closeAllConnections();
    }, grace).unref();
    this.logger.log(`${reason}: readiness fails, listener closed, ${this.pending} request(s) in flight`);
  }

  /** Waits until no handler is at work, at most until the grace period ends, then closes idle connections. */
  async settle(): Promise<void> {
    const server = this.server();
    while (Date.now() < (this.deadline ?? 0)) {
      if (this.pending === 0) {
        server?.closeIdleConnections();
        // A request that arrived on a connection just before it was closed runs its hooks in this turn.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.pending === 0) return;
      }
      await sleep(POLL_MS);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.begin('Closing');
    await this.settle();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.forceClose);
  }

  private server(): HttpServer | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
  }
}

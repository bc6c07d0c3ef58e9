import { type INestApplication, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HttpDrain } from './http-drain';

/** Time past SHUTDOWN_GRACE_MS for closing the HTTP server, flushing quota counts and closing the pools. */
const CLOSE_MARGIN_MS = 10_000;

/**
 * SIGTERM or SIGINT: readiness fails at once and the listener closes after SHUTDOWN_DELAY_MS (HttpDrain.begin),
 * then app.close() runs Nest's shutdown in its order: SSE streams get a final `reconnect` event, requests on
 * open connections are answered with `Connection: close` and idle connections closed (at most
 * SHUTDOWN_GRACE_MS in all), the HTTP server closes, and only then the database pool and Redis; the process
 * exits 0. Docker, systemd and Kubernetes all stop a process this way, so none needs a preStop hook for it.
 * Used instead of Nest's enableShutdownHooks(), which ends by re-raising the signal (exit status 143).
 * A second signal exits at once, with status 1.
 */
export function exitGracefullyOnSignals(app: INestApplication, exit: (code: number) => void = (code) => process.exit(code)): void {
  const logger = new Logger('Shutdown');
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn(`${signal} during shutdown: exiting now`);
      exit(1);
      return;
    }
    started = true;
    app.get(HttpDrain).begin(signal);
    const limit = app.get(AppConfig).SHUTDOWN_GRACE_MS + CLOSE_MARGIN_MS;
    const stuck = setTimeout(() => {
      logger.error(`Shutdown still running after ${limit} ms: exiting`);
      exit(1);
    }, limit).unref();
    app.close().then(
      () => {
        clearTimeout(stuck);
        logger.log('Shut down cleanly');
        exit(0);
      },
      (err: unknown) => {
        logger.error(`Shutdown failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

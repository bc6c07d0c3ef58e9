import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import {
  AppConfig,
  ErrorFilter,
  FastLane,
  fastifyTrustProxy,
  keepTickObjectShape,
  QuietFrameworkLogger,
  RequestValidationPipe,
  requestIdOf,
  serveDirectRoutes,
} from '@superflag/core';
import { type LogLevel, Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';
import { type ApiExtension, ApiModule } from './app.module';

export interface CreateAppOptions {
  /** Overrides LOG_LEVEL with Nest's notation: the most verbose level listed applies; false = silent. */
  logger?: LogLevel[] | false;
  /** Where the JSON log lines go (default: stdout). Tests pass a stream they read back. */
  logDestination?: DestinationStream;
  /** Teams' own modules and their migrations (docs/extending.md); `npm start` runs without any. */
  extensions?: readonly ApiExtension[];
}

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Superflag API')
    .setDescription(
      'Self-hostable feature flags. Management routes take `Authorization: Bearer cli_…` (get one with `POST /api/v1/auth/signup` or `login`). ' +
        'Every success body is `{"data": …}`; every error body is `{"error": "…"}`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A cli_ management token' }, 'cli')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: "An app's mgmt_ management key: that app only, as an editor, within its scopes" },
      'mgmt',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'A pub_ or sdk_ runtime key (also accepted as the X-API-Key header)' },
      'key',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the server sets one' }, 'metrics')
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
}

/** Nest's level names, most verbose first, as pino levels. */
const PINO_LEVEL: Array<[LogLevel, LevelWithSilent]> = [
  ['verbose', 'trace'],
  ['debug', 'debug'],
  ['log', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['fatal', 'fatal'],
];

function levelOf(logger: LogLevel[] | false | undefined): LevelWithSilent | undefined {
  if (logger === undefined) return undefined;
  if (logger === false) return 'silent';
  return PINO_LEVEL.find(([nest]) => logger.includes(nest))?.[1] ?? 'silent';
}

/**
 * Builds the HTTP app (not listening): used by main, the OpenAPI writer and the e2e tests alike. Signal
 * handling is main's (exitGracefullyOnSignals); here app.close() runs the same drain and teardown.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  // Before the database opens: the embedded engine's start-up would otherwise leave nextTick on V8's slow path.
  keepTickObjectShape();
  // maxParamLength: Fastify's default (100) answered 414 for a valid 128-character flag key; 512 leaves room
  // for the longest key percent-encoded (a key is ASCII: at most 3 characters per character on the wire).
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT,
    routerOptions: { maxParamLength: 512 },
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    logger: false,
    genReqId: requestIdOf,
  });
  const log = { level: levelOf(options.logger), destination: options.logDestination };
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, log, options.extensions), adapter, {
    // Start-up messages wait for the pino logger, so every line the process writes is JSON.
    bufferLogs: true,
    abortOnError: false,
  });
  // Nest's start-up lines (modules initialised, routes mapped) at debug: `info` starts with what an operator needs.
  app.useLogger(new QuietFrameworkLogger(app.get(Logger)));
  if (config.TRUST_PROXY === true) {
    new NestLogger('Bootstrap').warn(
      'TRUST_PROXY=true trusts every X-Forwarded-For hop: any client can choose the address login throttling and per-address limits see. Set the number of proxies in front (e.g. 1) or their addresses instead.',
    );
  }
  // Body-parsing failures (malformed JSON, oversized bodies) reach this filter too, wrapped by Nest's Fastify adapter.
  const errors = new ErrorFilter();
  app.useGlobalFilters(errors);
  app.useGlobalPipes(new RequestValidationPipe());
  // The runtime hot path (@DirectRoute(): config, evaluation) is called by Fastify without Nest's per-request
  // pipeline; the routes are still Nest's, so the OpenAPI document below describes them like any other.
  const directRoutesServed = serveDirectRoutes(app, adapter.getInstance(), errors);
  if (config.DOCS_ENABLED) {
    SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  }
  await app.init();
  directRoutesServed();
  // Steady-state config reads are answered ahead of Fastify (FastLane): the routes above serve every other request.
  app.get(FastLane).install(app.getHttpServer());
  await adapter.getInstance().ready();
  return app;
}

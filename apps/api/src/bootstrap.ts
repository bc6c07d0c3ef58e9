import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, ErrorFilter, RequestValidationPipe } from '@superflag/core';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { ApiModule } from './app.module';

export interface CreateAppOptions {
  logger?: LoggerService | LogLevel[] | false;
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
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A pub_ or sdk_ runtime key (also accepted as the X-API-Key header)' }, 'key')
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
}

const LOG_LEVELS: Record<string, LogLevel[] | false> = {
  silent: false,
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Builds the HTTP app (not listening): used by main, the OpenAPI writer and the e2e tests alike. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.BODY_LIMIT, trustProxy: config.TRUST_PROXY, logger: false });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    logger: options.logger ?? LOG_LEVELS[config.LOG_LEVEL],
    abortOnError: false,
  });
  // Body-parsing failures (malformed JSON, oversized bodies) reach this filter too, wrapped by Nest's Fastify adapter.
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(new RequestValidationPipe());
  app.enableShutdownHooks();
  if (config.DOCS_ENABLED) {
    SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  }
  await app.init();
  await adapter.getInstance().ready();
  return app;
}

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, exitGracefullyOnSignals, loadConfig } from '@superflag/core';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  exitGracefullyOnSignals(app);
  await app.listen({ port: config.PORT, host: config.HOST });
  const storage = config.DATABASE_URL ? 'PostgreSQL' : `embedded PostgreSQL in ${config.DATA_DIR}`;
  new Logger('Superflag').log(
    `Superflag API listening on http://${config.HOST}:${config.PORT} (${storage}${config.REDIS_URL ? ', Redis' : ''})`,
  );
}

main().catch((err) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

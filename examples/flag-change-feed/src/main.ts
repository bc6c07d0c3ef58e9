import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals, loadConfig } from '@superflag/core';
import { createApp } from '../../../apps/api/src/bootstrap';
import { flagChangeFeed } from './index';

/**
 * The deployable with the feed: the project's API plus this module, started the way apps/api/src/main.ts starts
 * it. Pending migrations, the feed's included, are applied before it serves.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, { extensions: [flagChangeFeed] });
  exitGracefullyOnSignals(app);
  await app.listen({ port: config.PORT, host: config.HOST });
  new Logger('Superflag').log(`Superflag API with the flag change feed listening on http://${config.HOST}:${config.PORT}`);
}

main().catch((err) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

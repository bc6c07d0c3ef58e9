import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@superflag/core';
import { createApp, openApiDocument } from './bootstrap';

/** Writes openapi.json from the code (an in-memory database is enough to build the app). */
async function main(): Promise<void> {
  const config = loadConfig({ DATA_DIR: 'memory://' });
  const app = await createApp(config, { logger: ['error'] });
  writeFileSync(process.argv[2] ?? 'openapi.json', `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

// Generates apps/cli/src/api/schema.ts, the CLI's types of the wire, from the committed openapi.json.
//   node apps/cli/scripts/generate-api-types.mjs          rewrite the file (npm run cli:types)
//   node apps/cli/scripts/generate-api-types.mjs --check  exit 1 when the file is stale (test/cli-api-types.e2e-spec.ts)
// The CLI only calls the API through these types, so a route or field that changes on the server without
// regenerating fails the type-check, and regenerating after a breaking change fails it where the CLI breaks.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const source = join(root, 'openapi.json');
const target = join(root, 'apps', 'cli', 'src', 'api', 'schema.ts');

const header = `/**
 * Generated from openapi.json by openapi-typescript: do not edit.
 * Regenerate with \`npm run cli:types\` (\`npm run openapi\` does it too); a test fails when this file is stale.
 */

`;

export async function render() {
  const ast = await openapiTS(pathToFileURL(source), { silent: true, emptyObjectsUnknown: true });
  return header + astToString(ast);
}

const expected = await render();
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  // missing: stale by definition
}
if (process.argv.includes('--check')) {
  if (current !== expected) {
    process.stderr.write(`${relative(root, target)} is stale relative to openapi.json: run \`npm run cli:types\`\n`);
    process.exit(1);
  }
} else if (current !== expected) {
  writeFileSync(target, expected);
  process.stdout.write(`wrote ${relative(root, target)}\n`);
}

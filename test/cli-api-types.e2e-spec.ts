import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from './support/cli';

/**
 * The CLI's client types (apps/cli/src/api/schema.ts) are generated from the committed openapi.json, which
 * test/openapi.e2e-spec.ts keeps equal to the code: together they make server/CLI drift fail the type-check.
 */
describe('CLI API types', () => {
  it('apps/cli/src/api/schema.ts is what openapi.json generates (run `npm run cli:types` when this fails)', async () => {
    const result = await promisify(execFile)(process.execPath, ['apps/cli/scripts/generate-api-types.mjs', '--check'], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result).toEqual({ code: 0, stderr: '' });
  });
});

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
/** What `npm run build` produces and package.json's `bin` points at. */
export const cliEntry = join(repoRoot, 'dist', 'apps', 'cli', 'src', 'main.js');

/**
 * Compiles the CLI (only the CLI: a few seconds) exactly as `npm run build:cli` does, so the tests always
 * run the current sources through the same JavaScript that ships, whether or not `npm run build` ran.
 */
export function buildCli(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'apps/cli/tsconfig.build.json'], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
}

export const aHome = () => mkdtempSync(join(tmpdir(), 'superflag-cli-home-'));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  home: string;
  /** Extra environment variables (SUPERFLAG_TOKEN, SUPERFLAG_API_URL, …). */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed (stdin is never a terminal here). */
  input?: string;
  cwd?: string;
  /** The node binary; the default is the one running the tests. */
  node?: string;
}

/**
 * Runs `superflag ARGS` as a subprocess with its own HOME and a minimal environment (nothing leaks in
 * from the developer's shell: no SUPERFLAG_* variables, no NODE_OPTIONS). Asynchronous on purpose: the
 * API under test serves from this same process, so a synchronous spawn would deadlock.
 */
export function superflag(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [cliEntry, ...args], {
      cwd: options.cwd ?? options.home,
      env: { PATH: process.env.PATH ?? '', HOME: options.home, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

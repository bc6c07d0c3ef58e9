/**
 * The container deliverables (Dockerfile, docker-compose.yml) cannot be built here (no Docker engine),
 * so this test reads them and checks that they agree with the code: the settings AppConfig knows, the
 * port, and the file the Nest build actually produces.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { AppConfig, loadConfig } from '@superflag/core';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// ---- docker-compose.yml ----

interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: Array<string | { target: number; published?: string | number }>;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test: string | string[] };
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
const api = compose.services.api;

/** The api service's environment as a map, whichever of the two compose syntaxes is used. */
function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((line) => line.split(/=(.*)/s).slice(0, 2)) : Object.entries(env);
  return Object.fromEntries(entries.map(([name, value]) => [name, value == null ? '' : String(value)]));
}

/** What compose would pass with nothing set in the shell: `${NAME:-default}` becomes `default`. */
const withComposeDefaults = (value: string) => value.replace(/\$\{\w+:?-([^}]*)\}/g, '$1');

/** Container-side port of a `ports:` entry ("[ip:]published:target[/proto]" or the long syntax). */
function containerPort(entry: string | { target: number }): number {
  if (typeof entry !== 'string') return Number(entry.target);
  return Number(entry.replace(/\/(tcp|udp)$/, '').split(':').pop());
}

const apiEnv = environmentOf(api);

// ---- Dockerfile ----

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions grouped by stage (each FROM starts one); comments dropped, continuation lines joined. */
function dockerfileStages(text: string): Instruction[][] {
  const lines = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages[stages.length - 1].push(instruction);
  }
  return stages;
}

const stages = dockerfileStages(read('Dockerfile'));
const finalStage = stages[stages.length - 1];
const lastOf = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).pop()?.args;
/** `HEALTHCHECK [options] CMD [...]` → the exec-form array. */
const healthcheckCommand = (args: string): string[] => JSON.parse(args.replace(/^.*?\bCMD\s+/, ''));
/** `ENV A=1 B=2` → { A: '1', B: '2' } (the unquoted key=value form this Dockerfile uses). */
const envOf = (stage: Instruction[]) =>
  Object.fromEntries(stage.filter((i) => i.keyword === 'ENV').flatMap((i) => i.args.split(/\s+/).map((pair) => pair.split(/=(.*)/s).slice(0, 2))));

// ---- where the Nest build puts the api's entry file ----

const nestCli = JSON.parse(read('nest-cli.json')) as { projects: Record<string, { entryFile: string }> };
const buildConfigPath = join(root, 'tsconfig.build.json');
const buildConfig = ts.parseJsonConfigFileContent(ts.readConfigFile(buildConfigPath, ts.sys.readFile).config, ts.sys, root, undefined, buildConfigPath);
/** nest build writes `<outDir>/<entryFile>.js` (that is the path `nest start` runs). */
const builtEntryFile = relative(root, join(buildConfig.options.outDir!, `${nestCli.projects.api.entryFile}.js`));

describe('docker-compose.yml', () => {
  it('defines postgres, redis and the api', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis']);
    expect(compose.services.postgres.image).toMatch(/^postgres:/);
    expect(compose.services.redis.image).toMatch(/^redis:/);
    expect(api.build).toBe('.');
  });

  it('starts the api only once postgres and redis are healthy, and both have a healthcheck', () => {
    expect(api.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(compose.services.postgres.healthcheck?.test).toEqual(expect.arrayContaining([expect.stringContaining('pg_isready')]));
    expect(compose.services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('sets only environment variables the service reads (AppConfig)', () => {
    const known = [...Object.keys(new AppConfig()), 'DATABASE_URL', 'REDIS_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'];
    expect(Object.keys(apiEnv).length).toBeGreaterThan(0);
    for (const name of Object.keys(apiEnv)) expect(known).toContain(name);
  });

  it("passes the service's own validation with compose's defaults, pointing at the postgres and redis services", () => {
    const resolved = Object.fromEntries(Object.entries(apiEnv).map(([name, value]) => [name, withComposeDefaults(value)]));
    const config = loadConfig(resolved);
    expect(new URL(config.DATABASE_URL!).hostname).toBe('postgres');
    expect(new URL(config.REDIS_URL!).hostname).toBe('redis');
    expect(config.SIGNUP_ENABLED).toBe(true);
    expect(config.ADMIN_EMAIL).toBeUndefined();
  });

  it("publishes the api's PORT", () => {
    expect(api.ports?.map(containerPort)).toContain(Number(apiEnv.PORT));
  });

  it('health-checks the api on /health/live with node itself', () => {
    const test = api.healthcheck?.test as string[];
    expect(test.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(test.join(' ')).toContain('/health/live');
  });
});

describe('Dockerfile', () => {
  it('is a multi-stage build on Node 24', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const stageNames = stages.map((stage) => / AS (\S+)$/i.exec(stage[0].args)?.[1]);
    const bases = stages.map((stage) => stage[0].args.split(/\s+/)[0]);
    // Every base is either node:24… or an earlier stage of this file.
    bases.forEach((base, i) => expect(base.startsWith('node:24') || stageNames.slice(0, i).includes(base)).toBe(true));
    expect(bases[bases.length - 1]).toMatch(/^node:24/);
  });

  it('builds with the lockfile and ships no dev dependencies', () => {
    const runs = stages[0].filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(runs).toContain('npm prune --omit=dev');
  });

  it('copies into the build stage every source directory tsconfig.build.json compiles', () => {
    const copied = stages[0].filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const sourceDirs = new Set<string>(buildConfig.raw.include.map((pattern: string) => pattern.split('/')[0]));
    for (const dir of sourceDirs) expect(copied).toContain(dir);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json']));
  });

  it('runs the final stage as a non-root user', () => {
    const user = lastOf(finalStage, 'USER');
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it("exposes the port compose publishes and sets as the image's default PORT", () => {
    expect(Number(lastOf(finalStage, 'EXPOSE'))).toBe(Number(apiEnv.PORT));
    expect(envOf(finalStage).PORT).toBe(apiEnv.PORT);
  });

  it('sets only environment variables the service reads, besides NODE_ENV', () => {
    const known = Object.keys(new AppConfig());
    for (const name of Object.keys(envOf(finalStage)).filter((n) => n !== 'NODE_ENV')) expect(known).toContain(name);
  });

  it('starts the file the Nest build produces for the api', () => {
    expect(builtEntryFile).toBe('dist/apps/api/src/main.js');
    expect(existsSync(join(root, `${nestCli.projects.api.entryFile}.ts`))).toBe(true);
    expect(JSON.parse(lastOf(finalStage, 'CMD')!)).toEqual(['node', builtEntryFile]);
  });

  it('health-checks /health/live with node itself (no curl in slim images), as compose does', () => {
    const command = healthcheckCommand(lastOf(finalStage, 'HEALTHCHECK')!);
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/health/live');
    expect(['CMD', ...command]).toEqual(api.healthcheck?.test);
  });
});

/**
 * The container deliverables (Dockerfile, docker-compose.yml, deploy/compose/nginx.conf) cannot be built or
 * started here (no Docker engine), so this test reads them and checks that they agree with the code: the
 * settings AppConfig knows, the port, the files the Nest build actually produces, and the SSE heartbeat.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { AppConfig, loadConfig } from '@superflag/core';
import { HEARTBEAT_MS } from '@superflag/runtime';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// ---- where the Nest build puts the api's files ----

const nestCli = JSON.parse(read('nest-cli.json')) as { projects: Record<string, { entryFile: string }> };
const buildConfigPath = join(root, 'tsconfig.build.json');
const buildConfig = ts.parseJsonConfigFileContent(
  ts.readConfigFile(buildConfigPath, ts.sys.readFile).config,
  ts.sys,
  root,
  undefined,
  buildConfigPath,
);
/** nest build writes `<outDir>/<entryFile>.js` (that is the path `nest start` runs). */
const builtEntryFile = relative(root, join(buildConfig.options.outDir!, `${nestCli.projects.api.entryFile}.js`));
/** migrate.ts sits beside main.ts, so it compiles beside it. */
const apiSourceDir = dirname(nestCli.projects.api.entryFile);
const builtMigrateFile = relative(root, join(buildConfig.options.outDir!, apiSourceDir, 'migrate.js'));

// ---- docker-compose.yml ----

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  ports?: Array<string | { target: number; published?: string | number }>;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test: string | string[] };
  restart?: string;
  volumes?: string[];
}

// Compose resolves YAML merge keys (`<<: *anchor`); so must this parse.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const replicaNames = ['api-1', 'api-2'];
const replicas = replicaNames.map((name) => compose.services[name]);
const api = compose.services['api-1'];
const migrate = compose.services.migrate;
const proxy = compose.services.proxy;
/** The services that run the Superflag image. */
const imageServices = { migrate, ...Object.fromEntries(replicaNames.map((name) => [name, compose.services[name]])) };

/** A service's environment as a map, whichever of the two compose syntaxes is used. */
function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((line) => line.split(/=(.*)/s).slice(0, 2)) : Object.entries(env);
  return Object.fromEntries(entries.map(([name, value]) => [name, value == null ? '' : String(value)]));
}

/** What compose would pass with nothing set in the shell: `${NAME:-default}` becomes `default`. */
const withComposeDefaults = (value: string) => value.replace(/\$\{\w+:?-([^}]*)\}/g, '$1');
const resolvedEnvironmentOf = (service: ComposeService) =>
  Object.fromEntries(Object.entries(environmentOf(service)).map(([name, value]) => [name, withComposeDefaults(value)]));

/** A `ports:` entry ("[ip:]published:target[/proto]" or the long syntax) as numbers. */
function portMapping(entry: string | { target: number; published?: string | number }): { published?: number; target: number } {
  if (typeof entry !== 'string')
    return { published: entry.published === undefined ? undefined : Number(entry.published), target: Number(entry.target) };
  const parts = entry.replace(/\/(tcp|udp)$/, '').split(':');
  return { published: parts.length > 1 ? Number(parts[parts.length - 2]) : undefined, target: Number(parts[parts.length - 1]) };
}

const apiEnv = environmentOf(api);
const apiConfig = loadConfig(resolvedEnvironmentOf(api));

// ---- deploy/compose/nginx.conf ----

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** nginx's configuration syntax: `name args…;` or `name args… { … }`, `#` comments, quoted strings. */
function parseNginx(text: string): Directive[] {
  const tokens = text.replace(/#.*$/gm, '').match(/"[^"]*"|'[^']*'|[{};]|[^\s{};]+/g) ?? [];
  let i = 0;
  const block = (): Directive[] => {
    const directives: Directive[] = [];
    while (i < tokens.length && tokens[i] !== '}') {
      const name = tokens[i++];
      const args: string[] = [];
      while (tokens[i] !== ';' && tokens[i] !== '{') args.push(tokens[i++].replace(/^(["'])(.*)\1$/, '$2'));
      if (tokens[i++] === '{') {
        directives.push({ name, args, block: block() });
        i++; // the closing brace
      } else directives.push({ name, args });
    }
    return directives;
  };
  return block();
}

/** Every directive of this name, at any depth. */
function allOf(directives: Directive[], name: string): Directive[] {
  return directives.flatMap((d) => [...(d.name === name ? [d] : []), ...allOf(d.block ?? [], name)]);
}
/** The one directive of this name, at any depth. */
function oneOf(directives: Directive[], name: string): Directive {
  const found = allOf(directives, name);
  if (found.length !== 1) throw new Error(`expected one ${name} in nginx.conf, found ${found.length}`);
  return found[0];
}
/** nginx time ("90", "30s", "1h", "500ms") in milliseconds; a bare number is seconds. */
function nginxMs(value: string): number {
  const [, n, unit = 's'] = /^(\d+)(ms|s|m|h|d)?$/.exec(value)!;
  return Number(n) * { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[unit]!;
}
/** nginx size ("1024", "8k", "2m") in bytes; 0 means unlimited. */
function nginxBytes(value: string): number {
  const [, n, unit = ''] = /^(\d+)([kKmMgG]?)$/.exec(value)!;
  const bytes = Number(n) * ({ '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 } as Record<string, number>)[unit.toLowerCase()];
  return bytes === 0 ? Infinity : bytes;
}

/** The bind mount of the proxy's configuration: host file → file in the nginx container. */
const proxyConfigMount = proxy.volumes?.map((v) => v.split(':')).find(([, target]) => target?.startsWith('/etc/nginx/'));
const nginx = parseNginx(readFileSync(join(root, proxyConfigMount?.[0] ?? 'deploy/compose/nginx.conf'), 'utf8'));

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
  Object.fromEntries(
    stage.filter((i) => i.keyword === 'ENV').flatMap((i) => i.args.split(/\s+/).map((pair) => pair.split(/=(.*)/s).slice(0, 2))),
  );

describe('docker-compose.yml', () => {
  it('defines postgres, redis, the one-shot migration, two api replicas and the proxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api-1', 'api-2', 'migrate', 'postgres', 'proxy', 'redis']);
    expect(compose.services.postgres.image).toMatch(/^postgres:/);
    expect(compose.services.redis.image).toMatch(/^redis:/);
    expect(proxy.image).toMatch(/^nginx:[\d.]+-alpine$/);
    // One image, built from this repository, for the migration and every replica.
    for (const service of Object.values(imageServices)) {
      expect(service.build).toBe('.');
      expect(service.image).toBe(migrate.image);
    }
    expect(migrate.image).toBeDefined();
  });

  it('migrates once postgres is healthy, with the migrate script the Nest build produces, and never restarts it', () => {
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(builtMigrateFile).toBe('dist/apps/api/src/migrate.js');
    expect(existsSync(join(root, apiSourceDir, 'migrate.ts'))).toBe(true);
    expect(migrate.command).toEqual(['node', builtMigrateFile]);
    // A restart policy would run the one-shot again after its successful exit, for ever.
    expect(migrate.restart).toBe('no');
    expect(migrate.healthcheck).toBeUndefined();
  });

  it('starts each api replica only after the migration succeeded and postgres and redis are healthy', () => {
    for (const replica of replicas) {
      expect(replica.depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(compose.services.postgres.healthcheck?.test).toEqual(expect.arrayContaining([expect.stringContaining('pg_isready')]));
    expect(compose.services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('sets only environment variables the service reads (AppConfig)', () => {
    const known = [...Object.keys(new AppConfig()), 'DATABASE_URL', 'REDIS_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'];
    for (const [name, service] of Object.entries(imageServices)) {
      const env = environmentOf(service);
      expect({ service: name, variables: Object.keys(env).length > 0 }).toEqual({ service: name, variables: true });
      for (const variable of Object.keys(env)) expect(known).toContain(variable);
    }
  });

  it("passes the service's own validation with compose's defaults, every container on the same postgres and redis", () => {
    for (const service of Object.values(imageServices)) {
      const config = loadConfig(resolvedEnvironmentOf(service));
      expect(new URL(config.DATABASE_URL!).hostname).toBe('postgres');
      expect(config.DATABASE_URL).toBe(apiConfig.DATABASE_URL);
      expect(new URL(config.REDIS_URL!).hostname).toBe('redis');
    }
    expect(apiConfig.SIGNUP_ENABLED).toBe(true);
    expect(apiConfig.ADMIN_EMAIL).toBeUndefined();
    // Behind the proxy: the client IP (login rate limit) comes from X-Forwarded-For.
    expect(apiConfig.TRUST_PROXY).toBe(1);
  });

  it('publishes only the proxy, on host port 3000; the replicas are reachable through it alone', () => {
    expect(proxy.ports?.map(portMapping).map((p) => p.published)).toEqual([3000]);
    for (const service of Object.values(imageServices)) expect(service.ports).toBeUndefined();
  });

  it("round-robins the proxy over both replicas on the api's PORT, listening on the port compose publishes", () => {
    expect(proxyConfigMount).toEqual(['./deploy/compose/nginx.conf', '/etc/nginx/conf.d/default.conf', 'ro']);
    const upstream = oneOf(nginx, 'upstream');
    const servers = allOf(upstream.block!, 'server').map((s) => s.args[0]);
    expect(servers).toEqual(replicaNames.map((name) => `${name}:${environmentOf(compose.services[name]).PORT}`));
    // No balancing directive: nginx's default, round-robin.
    for (const method of ['least_conn', 'ip_hash', 'hash', 'random', 'least_time']) expect(allOf(upstream.block!, method)).toEqual([]);
    expect(oneOf(nginx, 'proxy_pass').args).toEqual([`http://${upstream.args[0]}`]);
    expect(proxy.ports?.map(portMapping).map((p) => p.target)).toEqual([Number(oneOf(nginx, 'listen').args[0])]);
    expect(proxy.depends_on).toEqual(Object.fromEntries(replicaNames.map((name) => [name, { condition: 'service_healthy' }])));
  });

  it('passes Server-Sent Events through unbuffered, with a read timeout well above the heartbeat', () => {
    expect(oneOf(nginx, 'proxy_buffering').args).toEqual(['off']);
    expect(nginxMs(oneOf(nginx, 'proxy_read_timeout').args[0])).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS);
    // Keep-alive to the replicas needs HTTP/1.1 and an empty Connection header.
    expect(oneOf(nginx, 'proxy_http_version').args).toEqual(['1.1']);
    expect(allOf(nginx, 'proxy_set_header').map((d) => d.args)).toContainEqual(['Connection', '']);
  });

  it("lets the app answer oversized bodies itself: the proxy's limit is above BODY_LIMIT", () => {
    expect(nginxBytes(oneOf(nginx, 'client_max_body_size').args[0])).toBeGreaterThan(apiConfig.BODY_LIMIT);
  });

  it('overwrites X-Forwarded-For with the client address, since the replicas trust it', () => {
    expect(allOf(nginx, 'proxy_set_header').map((d) => d.args)).toContainEqual(['X-Forwarded-For', '$remote_addr']);
  });

  it('health-checks each replica on /health/live with node itself', () => {
    for (const replica of replicas) {
      const test = replica.healthcheck?.test as string[];
      expect(test.slice(0, 2)).toEqual(['CMD', 'node']);
      expect(test.join(' ')).toContain('/health/live');
      expect(replica.restart).toBe('unless-stopped');
    }
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
    const runs = stages[0]
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(runs).toContain('npm prune --omit=dev');
  });

  it('copies into the build stage every source directory tsconfig.build.json compiles', () => {
    const copied = stages[0].filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const sourceDirs = new Set<string>(buildConfig.raw.include.map((pattern: string) => pattern.split('/')[0]));
    for (const dir of sourceDirs) expect(copied).toContain(dir);
    expect(copied).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json']),
    );
  });

  it('runs the final stage as a non-root user', () => {
    const user = lastOf(finalStage, 'USER');
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it("exposes the replicas' PORT (the proxy's upstream port) and sets it as the image's default PORT", () => {
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
    for (const replica of replicas) expect(['CMD', ...command]).toEqual(replica.healthcheck?.test);
  });
});

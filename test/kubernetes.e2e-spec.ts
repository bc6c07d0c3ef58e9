/**
 * The Kubernetes manifests (deploy/kubernetes) cannot be applied here (no cluster), so this test reads them
 * and checks that they agree with each other and with the code: the settings AppConfig knows, the port,
 * the health routes, the file the Nest build produces for migrations, and the shutdown timing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { AppConfig, loadConfig } from '@superflag/core';
import { HealthController } from '../libs/core/src/health/health.controller';

const root = join(__dirname, '..');
const dir = join(root, 'deploy', 'kubernetes');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// ---- the manifests ----

type Labels = Record<string, string>;
interface Probe {
  httpGet?: { path: string; port: number | string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  envFrom?: Array<{ prefix?: string; configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[] };
  seccompProfile?: { type: string };
}
interface PodTemplate {
  metadata: { labels: Labels };
  spec: {
    containers: Container[];
    securityContext?: SecurityContext;
    terminationGracePeriodSeconds?: number;
    restartPolicy?: string;
    volumes?: Array<{ name: string; emptyDir?: object }>;
    topologySpreadConstraints?: Array<{ labelSelector: { matchLabels: Labels } }>;
  };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels };
  // Kind-specific parts, typed where they are read.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest's spec differs by kind; read where typed
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const manifestFiles = readdirSync(dir)
  .filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml')
  .sort();

/** Every document of every manifest file, with the file it came from; a YAML error fails the whole file. */
const manifests: Array<Manifest & { file: string }> = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return { ...(doc.toJS() as Manifest), file };
  }),
);

function only(kind: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in deploy/kubernetes, found ${found.length}`);
  return found[0];
}

const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
  images?: Array<{ name: string }>;
};
const deployment = only('Deployment');
const service = only('Service');
const hpa = only('HorizontalPodAutoscaler');
const pdb = only('PodDisruptionBudget');
const configMap = only('ConfigMap');
const secret = only('Secret');
const job = only('Job');

const pod = deployment.spec.template as PodTemplate;
const jobPod = job.spec.template as PodTemplate;
const api = pod.spec.containers[0];
const migrator = jobPod.spec.containers[0];

/** A container's port, whether a probe or a Service names it or gives its number. */
function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Whether a label selector (matchLabels) selects pods carrying these labels. */
const selects = (selector: Labels, labels: Labels) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The environment a container of these manifests starts with: envFrom sources first, then explicit env. */
function environmentOf(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef)
      Object.assign(env, manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === source.configMapRef!.name)?.data);
    if (source.secretRef)
      Object.assign(env, manifests.find((m) => m.kind === 'Secret' && m.metadata.name === source.secretRef!.name)?.stringData);
  }
  for (const entry of container.env ?? []) if (entry.value !== undefined) env[entry.name] = entry.value;
  return env;
}

/** Kubernetes quantities in base units: "250m" → 0.25, "1" → 1, "256Mi" → 268435456. */
function quantity(value: string | number): number {
  const match = /^([0-9.]+)(m|k|M|G|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`unreadable quantity ${value}`);
  const unit = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

/** Seconds a preStop hook waits, for either form: `exec: sleep N` or the built-in `sleep: {seconds}`. */
function preStopSleepSeconds(container: Container): number | undefined {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const command = preStop?.exec?.command ?? [];
  return command[0]?.endsWith('sleep') && command.length === 2 ? Number(command[1]) : undefined;
}

// ---- what the code says ----

/** Every environment variable the service reads: AppConfig's properties with defaults plus its optional ones. */
const knownSettings = [...Object.keys(new AppConfig()), 'DATABASE_URL', 'REDIS_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'];
const apiEnv = environmentOf(api);
const config = loadConfig(apiEnv);

/** The route a HealthController method answers, as Nest registers it: GET /health/<path>. */
function healthRoute(method: 'live' | 'ready'): string {
  const handler = HealthController.prototype[method];
  expect(Reflect.getMetadata(METHOD_METADATA, handler)).toBe(RequestMethod.GET);
  return `/${Reflect.getMetadata(PATH_METADATA, HealthController)}/${Reflect.getMetadata(PATH_METADATA, handler)}`;
}

const nestCli = JSON.parse(read('nest-cli.json')) as { projects: Record<string, { entryFile: string }> };
const buildConfigPath = join(root, 'tsconfig.build.json');
const buildConfig = ts.parseJsonConfigFileContent(
  ts.readConfigFile(buildConfigPath, ts.sys.readFile).config,
  ts.sys,
  root,
  undefined,
  buildConfigPath,
);
/** nest build writes `<outDir>/<entryFile>.js`; migrate.ts beside main.ts compiles into the same directory. */
const apiSourceDir = dirname(nestCli.projects.api.entryFile);
const builtMigrateFile = relative(root, join(buildConfig.options.outDir!, apiSourceDir, 'migrate.js'));

/** The final stage's USER in the Dockerfile. */
const imageUser = read('Dockerfile')
  .split('\n')
  .filter((line) => /^USER\s/i.test(line.trim()))
  .pop()
  ?.trim()
  .split(/\s+/)[1];

describe('deploy/kubernetes', () => {
  it('lists in kustomization.yaml every manifest of the folder, and only files that exist', () => {
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Job',
      'PodDisruptionBudget',
      'Secret',
      'Service',
    ]);
    expect(existsSync(join(dir, 'README.md'))).toBe(true);
  });

  it('labels every resource app.kubernetes.io/name: superflag', () => {
    for (const m of manifests)
      expect({ file: m.file, name: m.metadata.labels?.['app.kubernetes.io/name'] }).toEqual({ file: m.file, name: 'superflag' });
    for (const template of [pod, jobPod]) expect(template.metadata.labels['app.kubernetes.io/name']).toBe('superflag');
  });

  it('runs at least two replicas, which the CPU autoscaler and the disruption budget keep', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(deployment.spec.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(hpa.spec.metrics).toContainEqual({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } },
    });
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.minAvailable).toBe(1);
    // A rollout never takes a pod away before its replacement is ready.
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it("selects the api pods everywhere (Deployment, Service, PDB, HPA, spread), never the migration Job's pod", () => {
    const podLabels = pod.metadata.labels;
    const selectors: Record<string, Labels> = {
      deployment: deployment.spec.selector.matchLabels,
      service: service.spec.selector,
      pdb: pdb.spec.selector.matchLabels,
      ...Object.fromEntries((pod.spec.topologySpreadConstraints ?? []).map((c, i) => [`spread ${i}`, c.labelSelector.matchLabels])),
    };
    for (const [owner, selector] of Object.entries(selectors)) {
      expect({ owner, selectsApi: selects(selector, podLabels) }).toEqual({ owner, selectsApi: true });
      expect({ owner, selectsJob: selects(selector, jobPod.metadata.labels) }).toEqual({ owner, selectsJob: false });
    }
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  });

  it('serves on the PORT the settings give, as the port named http, which the Service exposes on 80', () => {
    expect(api.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: config.PORT })]);
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toHaveLength(1);
    const [port] = service.spec.ports;
    expect(port).toMatchObject({ name: 'http', port: 80 });
    expect(resolvePort(api, port.targetPort)).toBe(config.PORT);
  });

  it("probes readiness on /health/ready and liveness on /health/live, the health controller's routes, on the container port", () => {
    expect(api.readinessProbe?.httpGet?.path).toBe(healthRoute('ready'));
    expect(api.livenessProbe?.httpGet?.path).toBe(healthRoute('live'));
    expect(healthRoute('ready')).toBe('/health/ready');
    expect(healthRoute('live')).toBe('/health/live');
    const probes = [api.readinessProbe, api.livenessProbe, api.startupProbe].filter((p): p is Probe => p !== undefined);
    for (const probe of probes) expect(resolvePort(api, probe.httpGet!.port)).toBe(config.PORT);
    // A startup probe, when there is one, waits on the process (liveness), not on its dependencies.
    if (api.startupProbe) expect(api.startupProbe.httpGet?.path).toBe(healthRoute('live'));
  });

  it('provides the pods only environment variables AppConfig reads, from the ConfigMap and Secret of this folder', () => {
    const names = [
      ...Object.keys(configMap.data ?? {}),
      ...Object.keys(secret.stringData ?? {}),
      ...Object.keys(secret.data ?? {}),
      ...[api, migrator].flatMap((c) => (c.env ?? []).map((e) => e.name)),
    ];
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(knownSettings).toContain(name);
    for (const container of [api, migrator]) {
      expect(container.envFrom).toEqual([
        { configMapRef: { name: configMap.metadata.name } },
        { secretRef: { name: secret.metadata.name } },
      ]);
    }
  });

  it("passes the service's own validation, with the external PostgreSQL and Redis that a read-only, multi-replica pod needs", () => {
    expect(() => loadConfig(environmentOf(migrator))).not.toThrow();
    // No writable place for the embedded database, and more than one replica shares state through Redis.
    expect(config.DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
    expect(config.REDIS_URL).toMatch(/^rediss?:\/\//);
    expect(config.TRUST_PROXY).toBe(1);
    expect(configMap.data?.PORT ?? '3000').toBe(String(config.PORT));
  });

  it('ships Secret placeholders that are obviously not real, as stringData', () => {
    expect(secret.data).toBeUndefined();
    expect(Object.keys(secret.stringData ?? {}).sort()).toEqual([
      'ADMIN_EMAIL',
      'ADMIN_PASSWORD',
      'DATABASE_URL',
      'REDIS_URL',
      'WEBHOOK_SECRET_KEY',
    ]);
    for (const value of Object.values(secret.stringData!)) expect(value).toContain('change-me');
  });

  it("runs every container as the image's non-root node user, read-only, without privileges, with /tmp on an emptyDir", () => {
    expect(imageUser).toBe('node'); // uid 1000 in the node images
    for (const template of [pod, jobPod]) {
      expect(template.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const container of template.spec.containers) {
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(container.securityContext?.capabilities?.drop).toContain('ALL');
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(tmp).toBeDefined();
        expect(template.spec.volumes?.find((v) => v.name === tmp!.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it('sets CPU and memory requests and limits on every container, requests within limits', () => {
    for (const container of [api, migrator]) {
      for (const resource of ['cpu', 'memory']) {
        const request = container.resources?.requests?.[resource];
        const limit = container.resources?.limits?.[resource];
        expect({ container: container.name, resource, request, limit }).toEqual({
          container: container.name,
          resource,
          request: expect.anything(),
          limit: expect.anything(),
        });
        expect(quantity(request!)).toBeLessThanOrEqual(quantity(limit!));
      }
    }
  });

  it('migrates with a Job running the migrate script the Nest build produces, on the Deployment’s image and settings', () => {
    expect(builtMigrateFile).toBe('dist/apps/api/src/migrate.js');
    expect(existsSync(join(root, apiSourceDir, 'migrate.ts'))).toBe(true);
    expect([...(migrator.command ?? []), ...(migrator.args ?? [])]).toEqual(['node', builtMigrateFile]);
    expect(migrator.image).toBe(api.image);
    // kustomization.yaml's `images:` (where a release is pinned) must name that image, or it rewrites nothing.
    expect(kustomization.images?.map((i) => i.name)).toContain(api.image.replace(/:[^:/]+$/, ''));
    expect(['Never', 'OnFailure']).toContain(jobPod.spec.restartPolicy);
    expect(job.spec.backoffLimit).toBeGreaterThanOrEqual(1);
  });

  it('gives a stopping pod time to leave the endpoints (preStop sleep) and then to shut down, within its grace period', () => {
    const sleep = preStopSleepSeconds(api);
    expect(sleep).toBeGreaterThanOrEqual(2);
    expect(sleep).toBeLessThanOrEqual(15);
    // The app's own shutdown bound, if AppConfig has one (SHUTDOWN_GRACE_MS), comes after the sleep.
    const shutdownGraceMs = (config as unknown as Record<string, unknown>).SHUTDOWN_GRACE_MS;
    const shutdown = typeof shutdownGraceMs === 'number' ? shutdownGraceMs / 1000 : 0;
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(sleep! + shutdown);
  });

  it("keeps every pod's database pool within PostgreSQL's default max_connections (100) at the autoscaler's maximum", () => {
    const surge = deployment.spec.strategy.rollingUpdate.maxSurge as number;
    const pods = hpa.spec.maxReplicas + surge;
    const migratePool = loadConfig(environmentOf(migrator)).DATABASE_POOL_SIZE;
    expect(pods * config.DATABASE_POOL_SIZE + migratePool).toBeLessThanOrEqual(100);
  });
});

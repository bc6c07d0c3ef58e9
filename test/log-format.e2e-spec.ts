import { ensureBuilt, startServer, type ServerProcess } from './support/server-process';

/**
 * How the built server's log reads, as an operator starts it: JSON lines when stdout is not a terminal (here a
 * pipe; LOG_FORMAT=auto), human-readable lines with LOG_FORMAT=pretty (what a terminal gets by default), and no
 * framework start-up chatter (modules initialised, routes mapped) at `info`.
 */
describe('Log format', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  const run = async (settings: Record<string, string>, work: (server: ServerProcess) => Promise<void>) => {
    const server = await startServer('memory://', settings);
    try {
      await work(server);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    return server.output();
  };
  const lines = (output: string) => output.split('\n').filter((l) => l.trim() !== '');
  const request = async (server: ServerProcess) => {
    expect((await fetch(`${server.url}/api/v1/config`)).status).toBe(401);
  };

  it('writes one JSON object per line to a pipe, without Nest start-up lines at info', async () => {
    const output = await run({}, request);
    const records = lines(output).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(0);
    expect(records.find((r) => r.route === '/api/v1/config')).toMatchObject({ level: 'info', status: 401, msg: 'request completed' });
    const chatter = records.filter((r) =>
      ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication'].includes(String(r.context)),
    );
    expect(chatter).toEqual([]);
    expect(output).not.toContain('Mapped {');
  }, 120_000);

  it('keeps the start-up lines at debug', async () => {
    const output = await run({ LOG_LEVEL: 'debug' }, async () => undefined);
    const mapped = lines(output)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.context === 'RouterExplorer');
    expect(mapped.length).toBeGreaterThan(20);
    expect(mapped.every((r) => r.level === 'debug')).toBe(true);
  }, 120_000);

  it('writes human-readable lines with LOG_FORMAT=pretty', async () => {
    const output = await run({ LOG_FORMAT: 'pretty' }, request);
    const all = lines(output);
    expect(all.some((l) => l.startsWith('{'))).toBe(false);
    const line = all.find((l) => l.includes('request completed'));
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request completed GET \/api\/v1\/config → 401 \([\d.]+ ms\)$/);
    // Other fields follow on their own lines.
    expect(output).toMatch(/requestId: "/);
    expect(all.some((l) => l.includes('INFO: [Superflag] Superflag API listening on'))).toBe(true);
  }, 120_000);

  // Lines are written in batches (BatchedLines): none may be lost at shutdown, nor wait for more traffic.
  it('writes every request line of a burst answered just before SIGTERM', async () => {
    const output = await run({}, async (server) => {
      const statuses = await Promise.all(Array.from({ length: 200 }, () => fetch(`${server.url}/api/v1/config`).then((r) => r.status)));
      // 401, then 429 once the address is past its failed authentications: every one is a request line.
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    });
    const configLines = lines(output)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.route === '/api/v1/config');
    expect(configLines).toHaveLength(200);
    expect(new Set(configLines.map((r) => r.requestId)).size).toBe(200);
  }, 120_000);

  it('writes a lone request line promptly, without waiting for more traffic', async () => {
    await run({}, async (server) => {
      const stdout = server.child.stdout!;
      const logged = new Promise<number>((resolve) => {
        const check = () => {
          if (!server.output().includes('"route":"/api/v1/config"')) return;
          stdout.off('data', check);
          resolve(Date.now());
        };
        stdout.on('data', check);
      });
      await request(server);
      const answered = Date.now();
      const deadline = new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 2_000).unref());
      expect((await Promise.race([logged, deadline])) - answered).toBeLessThan(2_000);
    });
  }, 120_000);

  it('refuses an unknown LOG_FORMAT at start-up, naming it', async () => {
    await expect(startServer('memory://', { LOG_FORMAT: 'xml' })).rejects.toThrow(/LOG_FORMAT/);
  }, 60_000);
});

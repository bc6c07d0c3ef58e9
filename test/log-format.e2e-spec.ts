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

  it('refuses an unknown LOG_FORMAT at start-up, naming it', async () => {
    await expect(startServer('memory://', { LOG_FORMAT: 'xml' })).rejects.toThrow(/LOG_FORMAT/);
  }, 60_000);
});

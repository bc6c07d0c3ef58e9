import type { FastifyReply, FastifyRequest } from 'fastify';
import { pino, stdTimeFunctions } from 'pino';
import { AppConfig } from '../src/config/app-config';
import { createLoggers, RequestLog } from '../src/logging/logging.module';

/** RequestLog writes its lines itself (no pino call per request): they must be the lines pino would write. */
describe('RequestLog', () => {
  const request = (url: string, headers: Record<string, string> = {}) =>
    ({ id: 'abc-1"x', method: 'GET', url, headers }) as unknown as FastifyRequest;
  const reply = { elapsedTime: 1.23456 } as FastifyReply;

  function capture(level: 'info' | 'debug') {
    const written: string[] = [];
    const destination = { write: (line: string) => void written.push(line) };
    const { requests } = createLoggers(new AppConfig(), { level, destination });
    return { written, log: new RequestLog(requests, destination) };
  }

  /** What pino itself writes for the same record, with the time taken from our line. */
  function pinoLine(ours: string, fields: Record<string, unknown>, level: string, msg: string): string {
    const time = (JSON.parse(ours) as { time: string }).time;
    const out: string[] = [];
    const logger = pino(
      {
        level: 'debug',
        timestamp: () => `,"time":"${time}"`,
        formatters: { level: (label: string) => ({ level: label }) },
      },
      { write: (line: string) => void out.push(line) },
    );
    (logger as unknown as Record<string, (o: object, m: string) => void>)[level](fields, msg);
    return out[0];
  }

  it('writes, byte for byte, the line pino writes for the same fields (level, time, pid, hostname, fields, msg)', () => {
    const { written, log } = capture('info');
    log.write(request('/api/v1/config/stream?key=pub_secret&x=1'), reply, '/api/v1/config/stream', 200);
    log.write(request('/api/v1/flags'), reply, '/api/v1/flags', 499);
    log.write(request('/x'), reply, 'unmatched', 500);
    log.write(request('/x'), reply, 'unmatched', 503);
    const fields = (url: string, route: string, status: number) => ({
      requestId: 'abc-1"x',
      method: 'GET',
      route,
      url,
      status,
      latencyMs: 1.23,
    });
    expect(written).toEqual([
      pinoLine(written[0], fields('/api/v1/config/stream?key=[Redacted]&x=1', '/api/v1/config/stream', 200), 'info', 'request completed'),
      pinoLine(written[1], fields('/api/v1/flags', '/api/v1/flags', 499), 'info', 'request abandoned by the client'),
      pinoLine(written[2], fields('/x', 'unmatched', 500), 'error', 'request failed'),
      pinoLine(written[3], fields('/x', 'unmatched', 503), 'warn', 'request failed'),
    ]);
    expect(new Date((JSON.parse(written[0]) as { time: string }).time).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(stdTimeFunctions.isoTime()).toMatch(/^,"time":"/);
  });

  it('adds the censored headers at debug level, and writes nothing below its level or for probes', () => {
    const debug = capture('debug');
    debug.log.write(request('/api/v1/config', { authorization: 'Bearer sdk_x', accept: '*/*' }), reply, '/api/v1/config', 200);
    expect(JSON.parse(debug.written[0])).toEqual(
      expect.objectContaining({ route: '/api/v1/config', headers: { authorization: '[Redacted]', accept: '*/*' } }),
    );
    debug.log.write(request('/health/live'), reply, '/health/live', 200);
    expect(debug.written).toHaveLength(1);

    const quiet = (() => {
      const written: string[] = [];
      const destination = { write: (line: string) => void written.push(line) };
      const { requests } = createLoggers(new AppConfig(), { level: 'warn', destination });
      return { written, log: new RequestLog(requests, destination) };
    })();
    quiet.log.write(request('/api/v1/config'), reply, '/api/v1/config', 200);
    quiet.log.write(request('/api/v1/config'), reply, '/api/v1/config', 503);
    expect(quiet.written.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['warn']);
  });
});

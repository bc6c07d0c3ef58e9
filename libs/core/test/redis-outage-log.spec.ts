import { RedisOutageLog } from '../src/redis/redis-outage-log';
import { backoff, redisLocation } from '../src/redis/redis';

function aLog() {
  const lines: Array<['log' | 'warn', string]> = [];
  let now = 0;
  const log = new RedisOutageLog(
    { log: (m: string) => lines.push(['log', m]), warn: (m: string) => lines.push(['warn', m]) } as never,
    'redis://h:6379',
    () => now,
  );
  return { log, lines, advance: (ms: number) => (now += ms) };
}
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('RedisOutageLog', () => {
  it('says once that Redis is unavailable at start, then at most one summary a minute, then once that it connected', () => {
    const { log, lines, advance } = aLog();
    log.failed(refused);
    for (let i = 0; i < 30; i++) {
      advance(1000);
      log.failed(refused);
    }
    expect(lines).toEqual([
      [
        'warn',
        expect.stringMatching(
          /^Redis at redis:\/\/h:6379 unavailable \(ECONNREFUSED\): starting degraded — .* retrying in the background$/,
        ),
      ],
    ]);
    for (let i = 0; i < 30; i++) {
      advance(1000);
      log.failed(refused);
    }
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual([
      'warn',
      'Redis at redis://h:6379 still unavailable (ECONNREFUSED) after 60 more attempts; retrying in the background',
    ]);
    log.connected();
    log.connected();
    expect(lines.slice(2)).toEqual([['log', expect.stringMatching(/^Redis at redis:\/\/h:6379 connected/)]]);
  });

  it('says nothing when connected at start, and once when the connection is lost', () => {
    const { log, lines } = aLog();
    log.connected();
    expect(lines).toEqual([]);
    log.failed(new AggregateError([refused], ''));
    log.failed(refused);
    expect(lines).toEqual([['warn', expect.stringMatching(/^Redis at redis:\/\/h:6379 lost \(ECONNREFUSED\): degraded/)]]);
  });
});

describe('Redis connection settings', () => {
  it('never puts credentials in a logged location', () => {
    expect(redisLocation('redis://user:s3cret@cache.internal:6380/2')).toBe('redis://cache.internal:6380/2');
    expect(redisLocation('rediss://:s3cret@cache.internal')).toBe('rediss://cache.internal');
  });

  it('backs off exponentially to a 2 s cap, jittered', () => {
    const delays = Array.from({ length: 200 }, (_, i) => backoff(i % 20));
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
    expect(backoff(0)).toBeLessThanOrEqual(100);
    const capped = Array.from({ length: 50 }, () => backoff(30));
    expect(Math.min(...capped)).toBeGreaterThanOrEqual(1000);
    expect(new Set(capped).size).toBeGreaterThan(10);
  });
});

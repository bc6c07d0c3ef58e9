// Write path: sequential single-client flag updates, then 10 concurrent writers on one environment.
import autocannon from 'autocannon';
import { call, percentile, type Server } from './support.mts';

export interface WriteResults {
  sequential: { count: number; p50: number; p99: number; mean: number };
  concurrent: { connections: number; seconds: number; requestsPerSec: number; p50: number; p99: number; errors: number; non2xx: number };
}

export async function benchWrites(server: Server, token: string, appId: string): Promise<WriteResults> {
  const env = 'staging';
  await call(server.url, 'POST', '/api/v1/flags', token, { appId, env, key: 'seq', type: 'number', value: 0 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const update = (i: number) =>
    fetch(`${server.url}/api/v1/flags`, { method: 'PATCH', headers, body: JSON.stringify({ appId, env, key: 'seq', value: i }) }).then(
      async (r) => {
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`update → ${r.status}`);
      },
    );

  for (let i = 0; i < 200; i++) await update(i); // warm-up: JIT, connection pool, plan cache
  const COUNT = 2000;
  const latencies: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    const t0 = performance.now();
    await update(i);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);

  for (let w = 0; w < 10; w++)
    await call(server.url, 'POST', '/api/v1/flags', token, { appId, env, key: `w${w}`, type: 'number', value: 0 });
  let n = 0;
  const seconds = 10;
  const result = await autocannon({
    url: `${server.url}/api/v1/flags`,
    connections: 10,
    duration: seconds,
    method: 'PATCH',
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ appId, env, key: `w${n % 10}`, value: n++ }) }) }],
  });
  return {
    sequential: {
      count: COUNT,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      mean: latencies.reduce((a, b) => a + b, 0) / COUNT,
    },
    concurrent: {
      connections: 10,
      seconds,
      requestsPerSec: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors,
      non2xx: result.non2xx,
    },
  };
}

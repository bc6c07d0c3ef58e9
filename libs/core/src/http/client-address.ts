import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from '../config/app-config';

export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY for Fastify. A hop count becomes a function of the hop's position: this Fastify refuses numeric
 * trustProxy (it trusts nothing), and proxy-addr asks the function about the socket peer first (hop 0), so `n`
 * believes the n proxies nearest to us and takes the address the farthest of them saw.
 */
export function fastifyTrustProxy(setting: TrustProxy): boolean | string[] | TrustFunction {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}

/**
 * The client address Fastify's `request.ip` gives under the same TRUST_PROXY, for code that sees only Node's request
 * (FastLane): the socket peer when no proxy is trusted, else the farthest address the trusted hops vouch for.
 */
export function clientAddressOf(setting: TrustProxy): (request: IncomingMessage) => string {
  const trust = fastifyTrustProxy(setting);
  if (trust === false) return (request) => request.socket.remoteAddress ?? '';
  const fn: TrustFunction = trust === true ? () => true : typeof trust === 'function' ? trust : proxyAddr.compile(trust);
  return (request) => {
    const addresses = proxyAddr.all(request, fn);
    return addresses[addresses.length - 1] ?? '';
  };
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { forbiddenAddressReason, parseWebhookUrl } from './address-rules';

export interface DeliveryAttempt {
  url: string;
  /** The Standard Webhooks message id: the same on every attempt of one delivery. */
  messageId: string;
  body: string;
  secret: string;
  timeoutMs: number;
  allowPrivate: boolean;
  /** When the attempt is made (webhook-timestamp; signed with the id and body). */
  at: Date;
}

export interface AttemptOutcome {
  ok: boolean;
  responseCode: number | null;
  durationMs: number;
  error: string | null;
}

export type Resolver = (
  hostname: string,
  options: { all: true },
  callback: (err: Error | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) =>
  dnsLookup(hostname, options, (err, addresses) => callback(err, addresses ?? []));

/** The Standard Webhooks headers of one attempt: id, timestamp (seconds) and `v1,<base64 HMAC-SHA256>`. */
export function signedHeaders(secret: string, messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}

/**
 * A `lookup` for node:http that resolves the name, refuses the whole answer when any address is not public, and
 * hands the connection exactly the addresses it checked: a name that resolves to a public address when checked
 * and to a private one when connecting (DNS rebinding) cannot slip through, since no second resolution happens.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
      if (!allowPrivate) {
        for (const { address } of addresses) {
          const reason = forbiddenAddressReason(address);
          if (reason) return callback(refusal(`${hostname} resolves to ${address} (${reason})`), '', 4);
        }
      }
      const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
      const first = wanted[0] ?? addresses[0];
      callback(null, first.address, first.family);
    });
  };
}

function refusal(message: string): Error {
  return Object.assign(new Error(`refused: ${message}; set WEBHOOK_ALLOW_PRIVATE=true to allow non-public addresses`), {
    code: 'EWEBHOOKPRIVATE',
  });
}

/**
 * One delivery attempt: POST the body with its signature, redirects not followed, bounded by `timeoutMs` from
 * start to response. Success is a 2xx; anything else (3xx included), a timeout or a connection error is a
 * failure. Never throws.
 */
export function deliver(attempt: DeliveryAttempt, resolve: Resolver = systemResolver): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const parsed = parseWebhookUrl(attempt.url);
  if ('error' in parsed) return Promise.resolve({ ok: false, responseCode: null, durationMs: 0, error: parsed.error });
  const { url, host } = parsed;
  if (!attempt.allowPrivate && isIP(host)) {
    const reason = forbiddenAddressReason(host);
    if (reason) return Promise.resolve({ ok: false, responseCode: null, durationMs: 0, error: refusal(`${host} is ${reason}`).message });
  }

  return new Promise<AttemptOutcome>((settle) => {
    let responseCode: number | null = null;
    let done = false;
    const finish = (error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const ok = error === null && responseCode !== null && responseCode >= 200 && responseCode < 300;
      settle({ ok, responseCode, durationMs: elapsed(), error: error ?? (ok ? null : `HTTP ${responseCode}`) });
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send({
      protocol: url.protocol,
      hostname: host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      // A fresh connection per attempt: a pooled socket could outlive the address check it passed.
      agent: false,
      lookup: guardedLookup(attempt.allowPrivate, resolve),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(attempt.body),
        'user-agent': 'Superflag-Webhooks/1',
        ...signedHeaders(attempt.secret, attempt.messageId, attempt.at, attempt.body),
      },
    });
    const timer = setTimeout(() => {
      if (responseCode !== null) finish(null);
      else finish(`timed out after ${attempt.timeoutMs} ms`);
      req.destroy();
    }, attempt.timeoutMs);
    req.on('socket', (socket: Socket) => {
      // Belt and braces: the peer actually connected to is checked too (the lookup above chose it).
      socket.once('connect', () => {
        const reason = attempt.allowPrivate || !socket.remoteAddress ? null : forbiddenAddressReason(socket.remoteAddress);
        if (reason) {
          finish(refusal(`connected to ${socket.remoteAddress} (${reason})`).message);
          req.destroy();
        }
      });
    });
    req.on('response', (res: IncomingMessage) => {
      responseCode = res.statusCode ?? null;
      // The body is not kept: drained so the receiver sees a clean end, within the same deadline.
      res.resume();
      res.on('end', () => finish(null));
      res.on('error', () => finish(null));
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(err.message || err.code || 'connection failed'));
    req.end(attempt.body);
  });
}

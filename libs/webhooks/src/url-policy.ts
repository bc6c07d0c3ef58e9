import { Injectable } from '@nestjs/common';
import { AppConfig, badRequest } from '@superflag/core';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { forbiddenAddressReason, parseWebhookUrl } from './address-rules';

/** How long resolving a webhook's host at creation may take. */
const RESOLVE_TIMEOUT_MS = 5_000;

/**
 * Whether a URL may receive webhooks, checked when a webhook is created: http(s) without credentials, and a host
 * that resolves, only to public addresses unless WEBHOOK_ALLOW_PRIVATE. Deliveries check again against the address
 * they connect to (webhook-sender.ts): a name may resolve elsewhere later.
 */
@Injectable()
export class UrlPolicy {
  constructor(private readonly config: AppConfig) {}

  /** The URL as it will be stored (normalised by the WHATWG parser); 400 with the reason otherwise. */
  async check(raw: string): Promise<string> {
    const parsed = parseWebhookUrl(raw);
    if ('error' in parsed) throw badRequest(parsed.error);
    const { url, host } = parsed;
    const addresses = isIP(host) ? [host] : await this.resolve(host);
    if (!this.config.WEBHOOK_ALLOW_PRIVATE) {
      for (const address of addresses) {
        const reason = forbiddenAddressReason(address);
        if (reason) {
          const what = address === host ? `${host} is` : `${host} resolves to ${address}, which is`;
          throw badRequest(`url must point to a public address: ${what} ${reason} (WEBHOOK_ALLOW_PRIVATE=true allows it)`);
        }
      }
    }
    return url.toString();
  }

  private async resolve(host: string): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), RESOLVE_TIMEOUT_MS);
      });
      const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
      if (found.length === 0) throw new Error('no address');
      return found.map((a) => a.address);
    } catch {
      // Resolution failures carry codes (ENOTFOUND, EAI_AGAIN) the error mapper would take for a database outage.
      throw badRequest(`url's host ${host} cannot be resolved`);
    } finally {
      clearTimeout(timer);
    }
  }
}

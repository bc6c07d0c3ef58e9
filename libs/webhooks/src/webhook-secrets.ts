import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, DomainError } from '@superflag/core';
import { defaultKeyMaterial, SecretBox } from './secret-box';

/** The one SecretBox of this replica, keyed from WEBHOOK_SECRET_KEY (or the embedded quick start's generated key). */
@Injectable()
export class WebhookSecrets {
  private readonly box: SecretBox | null;

  constructor(config: AppConfig) {
    const material = config.WEBHOOK_SECRET_KEY ?? defaultKeyMaterial(config);
    this.box = material === null ? null : new SecretBox(material);
    if (!this.box) new Logger('Webhooks').log('WEBHOOK_SECRET_KEY is not set: webhooks cannot be created until it is');
  }

  /** The secret encrypted for `webhookId`'s row; 503 when this server has no key to encrypt with. */
  seal(secret: string, webhookId: string): string {
    if (!this.box) throw new DomainError(503, 'Webhooks are not enabled on this server: set WEBHOOK_SECRET_KEY');
    return this.box.seal(secret, webhookId);
  }

  /** The id of this replica's key (what its ciphertexts start with), or null when it has none: it cannot sign then. */
  get keyId(): string | null {
    return this.box?.keyId ?? null;
  }

  /** The secret, or null when it cannot be decrypted (no key, or another key than the one that sealed it). */
  open(sealed: string, webhookId: string): string | null {
    return this.box?.open(sealed, webhookId) ?? null;
  }
}

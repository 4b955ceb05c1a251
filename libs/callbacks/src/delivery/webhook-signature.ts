import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks signatures: `v1,` + base64 HMAC-SHA256, keyed with the base64-decoded part of
 * the `whsec_` secret, over `{webhook-id}.{webhook-timestamp}.{body}`.
 */
export class WebhookSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
    this.key = Buffer.from(encoded, 'base64');
    if (this.key.length === 0) throw new Error('the callback signing secret is empty');
  }

  sign(webhookId: string, timestampSeconds: number, body: string): string {
    const digest = createHmac('sha256', this.key).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
    return `v1,${digest}`;
  }
}

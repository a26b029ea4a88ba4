import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WebhookReceiver } from './webhook-receiver.js';

export interface VerifiedEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The CRM for end-to-end tests: a local receiver, a Standard Webhooks secret, the
 * `crm` configuration section pointing at it, and what it received, each request
 * verified with the spec's own library (an independent check of our signatures).
 */
export class CrmStandIn {
  readonly receiver = new WebhookReceiver();
  readonly secret = `whsec_${randomBytes(32).toString('base64')}`;

  constructor(private readonly events: string[]) {}

  start(): Promise<void> {
    return this.receiver.start();
  }

  stop(): Promise<void> {
    return this.receiver.stop();
  }

  /** The `crm` section for startTestPbx. */
  config(): { webhooks: unknown[] } {
    return { webhooks: [{ name: 'crm', kind: 'generic', url: this.receiver.url('/crm'), secret: this.secret, events: this.events }] };
  }

  /** Every webhook received so far, verified (a bad signature throws). */
  verified(): VerifiedEvent[] {
    const verifier = new Webhook(this.secret);
    return this.receiver.requests.map((r) => verifier.verify(r.body, r.headers) as VerifiedEvent);
  }
}

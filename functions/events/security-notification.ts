/**
 * Not a route: the target of the EventBridge rule on the security-event bus (infra/constructs/
 * security-notifier.ts). Each security event that calls for a notice becomes one email to the user.
 * A failed delivery throws, so Lambda retries the event and then keeps it in the dead-letter queue;
 * everything else (no notice, switched off, a repeated delivery, over the mail limits) returns.
 */
import { notifySecurityEvent } from '../../shared/identity/security-notifications';
import * as metrics from '../../shared/metrics';
import type { SecurityEvent } from '../../shared/model/security-event';

export async function handler(event: SecurityEvent): Promise<{ outcome: string }> {
  try {
    return { outcome: await notifySecurityEvent(event) };
  } finally {
    await metrics.flush();
  }
}

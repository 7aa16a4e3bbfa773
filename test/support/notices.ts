/**
 * Security events as the pipe makes them, for the notifier's tests: the org's stored audit items as
 * DynamoDB stream records (INSERT, the new image in attribute-value form), through the pipe's own
 * filter and template (infra/security-events.ts `securityEventOf`, which the local follower applies too).
 */
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { securityEventOf, type SecurityEvent } from '../../infra/security-events';
import { handler } from '../../functions/events/security-notification';
import { storedAuditEvents } from './audit';

/** The security events of the org's audit events with this action, oldest first. */
export async function securityEventsOf(orgId: number, action: string): Promise<SecurityEvent[]> {
  const items = (await storedAuditEvents(orgId)).filter((item) => item.action === action);
  items.sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return items.map((item) => {
    const image = marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });
    const record = { eventID: randomUUID(), eventName: 'INSERT', awsRegion: 'local', dynamodb: { Keys: { pk: image.pk, sk: image.sk }, NewImage: image } };
    const event = securityEventOf(record, { account: '000000000000', region: 'local' });
    if (!event) throw new Error(`The pipe's filter dropped ${action} of org ${orgId}`);
    return event;
  });
}

/** Hands the org's latest event with this action to the notifier, as the rule's target is handed it. */
export async function deliverLatest(orgId: number, action: string): Promise<{ outcome: string; event: SecurityEvent }> {
  const event = (await securityEventsOf(orgId, action)).at(-1);
  if (!event) throw new Error(`No ${action} event in org ${orgId}`);
  return { ...(await handler(event)), event };
}

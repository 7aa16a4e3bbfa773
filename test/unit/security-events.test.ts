/**
 * The one definition of a security event (infra/security-events.ts): the pipe's filter keeps new
 * audit items of an org only, and its template makes of every such item, however few attributes it
 * has, an event the JSON Schema accepts and that carries the audit record unchanged.
 */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { auditItem, cliActor, type AuditInput } from '../../shared/audit/events';
import {
  AUDIT_INSERT_FILTER,
  DETAIL_TEMPLATE,
  matchesPattern,
  renderTemplate,
  securityEventOf,
  type StreamRecord,
} from '../../infra/security-events';
import { validateSecurityEvent } from '../support/security-events';

const where = { account: '000000000000', region: 'local' };

/** A stream record of a new item, marshalled as the store's client writes it. */
function streamRecord(item: Record<string, unknown>, eventName = 'INSERT'): StreamRecord {
  const image = marshall(item, { removeUndefinedValues: true });
  return {
    eventID: 'f3c2b1a0-0000-4000-8000-000000000001',
    eventName,
    awsRegion: 'ddblocal',
    dynamodb: { Keys: { pk: image.pk, sk: image.sk }, NewImage: image },
  };
}

const expectValid = (event: unknown) => {
  const valid = validateSecurityEvent(event);
  expect(validateSecurityEvent.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
};

const impersonation: AuditInput = {
  orgId: 42,
  action: 'impersonation.started',
  actor: { principal: { userId: 7, orgId: 42, role: 'member', actorId: 99 }, sourceIp: '203.0.113.9', userAgent: 'support-console/1.0 "quoted"' },
  targetUserId: 7,
  details: { method: 'totp', failures: 3, hardStop: false, methods: ['totp', 'sms'] },
  policySequence: 0,
};

describe('security events', () => {
  it('an event with every optional attribute: valid, typed from the action, and the record unchanged', () => {
    const item = auditItem(impersonation);
    const event = securityEventOf(streamRecord(item), where)!;
    expectValid(event);
    expect(event).toMatchObject({
      source: 'twofactor.audit',
      'detail-type': 'impersonation.started',
      time: item.at,
      detail: { version: 1, eventId: item.eventId, orgId: '42', action: 'impersonation.started', time: item.at },
    });
    expect(unmarshall(event.detail.record as never)).toEqual(item);
  });

  it('an event with no optional attribute (a command-line actor) still renders: the template names only what every org event has', () => {
    const item = auditItem({ orgId: 3, action: 'org.created', actor: cliActor('bootstrap') });
    const event = securityEventOf(streamRecord(item), where)!;
    expectValid(event);
    expect(unmarshall(event.detail.record as never)).toEqual(item);
    const { actorSystem: _, ...bare } = item;
    expectValid(securityEventOf(streamRecord(bare), where));
  });

  it('the filter keeps only new audit items of an org', () => {
    const item = auditItem(impersonation);
    expect(securityEventOf(streamRecord(item, 'MODIFY'), where)).toBeUndefined();
    expect(securityEventOf(streamRecord(item, 'REMOVE'), where)).toBeUndefined();
    // A platform event (signing-key rotation) has no org.
    expect(securityEventOf(streamRecord(auditItem({ orgId: 'platform', action: 'signing_key.rotated', actor: cliActor('rotate') })), where)).toBeUndefined();
    // Not an audit item: a user's profile.
    expect(securityEventOf(streamRecord({ pk: 'USER#7', sk: 'PROFILE', orgId: 42, email: 'a@example.test' }), where)).toBeUndefined();
  });

  it('the schema refuses what the trail does not keep: an unknown attribute in the record, or in the detail', () => {
    const event = securityEventOf(streamRecord(auditItem(impersonation)), where)!;
    expect(validateSecurityEvent({ ...event, detail: { ...event.detail, record: { ...event.detail.record, passwordHash: { S: 'x' } } } })).toBe(false);
    expect(validateSecurityEvent({ ...event, detail: { ...event.detail, extra: 1 } })).toBe(false);
    expect(validateSecurityEvent({ ...event, detail: { ...event.detail, version: 2 } })).toBe(false);
  });

  it('the template is JSON once its placeholders are filled, and a missing path is an error, not an empty value', () => {
    expect(() => renderTemplate(DETAIL_TEMPLATE, { dynamodb: { NewImage: {} } })).toThrow('The record has no $.dynamodb.NewImage.eventId.S');
    expect(renderTemplate('{"a": "<$.x.S>", "b": <$.y>}', { x: { S: 'he said "hi"' }, y: { N: '1' } })).toEqual({ a: 'he said "hi"', b: { N: '1' } });
  });

  it('the pattern matcher refuses an operator it does not implement, rather than ignore it', () => {
    expect(() => matchesPattern({ a: [{ numeric: ['>', 1] }] }, { a: 2 })).toThrow('Unsupported pattern operator numeric');
    expect(matchesPattern(AUDIT_INSERT_FILTER as never, {})).toBe(false);
  });
});

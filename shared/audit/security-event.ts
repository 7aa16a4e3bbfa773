/**
 * A security event (README: Security events) back into the audit event it carries. The pipe puts the
 * audit item in DynamoDB's attribute-value form into `detail.record` (a pipe's template cannot
 * convert it); `unmarshall` turns it into the event GET /api/audit answers, without the table's keys.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { SECURITY_EVENT_SOURCE, SECURITY_EVENT_VERSION, type SecurityEvent } from '../model/security-event';
import type { AuditEvent } from './events';

/** The audit event of a security event; throws (naming what is wrong) for anything else. */
export function auditEventOf(event: SecurityEvent): AuditEvent {
  if (event?.source !== SECURITY_EVENT_SOURCE) throw new Error(`Not a security event: source ${String(event?.source)}`);
  const { detail } = event;
  if (detail?.version !== SECURITY_EVENT_VERSION) throw new Error(`Security event version ${String(detail?.version)} is not ${SECURITY_EVENT_VERSION}`);
  if (detail.record === null || typeof detail.record !== 'object') throw new Error('Security event without its record');
  const { pk: _pk, sk: _sk, ...audit } = unmarshall(detail.record as never) as AuditEvent & { pk?: string; sk?: string };
  if (typeof audit.eventId !== 'string' || typeof audit.action !== 'string' || typeof audit.at !== 'string') {
    throw new Error('Security event record without eventId, action or at');
  }
  return audit;
}

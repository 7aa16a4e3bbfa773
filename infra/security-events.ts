/**
 * Security events: every audit event of an org, as an EventBridge event. Defined once, here: the
 * filter, the input template and the target parameters that the EventBridge Pipe in AWS is given
 * (infra/constructs/security-events.ts), and the same definitions evaluated by the local follower of
 * DynamoDB Local's stream (infra/local/security-event-follower.ts). The README's "Security events"
 * section documents the event; docs/security-event.v1.schema.json is its JSON Schema.
 *
 * What a pipe's input template can do decides the shape. It substitutes values found by a JSON path
 * into a JSON text; it cannot leave out an attribute the item does not have, nor turn DynamoDB's typed
 * JSON (`{"N": "42"}`, a map as `{"M": {...}}`) into plain JSON. So the detail holds, as plain
 * strings, only what every audit item of an org has (event id, org, action, time), and the whole
 * audit record in DynamoDB's attribute-value form (`record`): the actor, target, details and the
 * rest, exactly as the trail keeps them and nothing more. `unmarshall` (@aws-sdk/util-dynamodb)
 * turns `record` into the event GET /api/audit answers.
 */
import { SECURITY_EVENT_SOURCE, SECURITY_EVENT_VERSION, type SecurityEvent, type SecurityEventDetail } from '../shared/model/security-event';
import { keys } from '../shared/store/keys';

export { SECURITY_EVENT_SOURCE, SECURITY_EVENT_VERSION, type SecurityEvent, type SecurityEventDetail };


/**
 * The pipe's filter (an EventBridge event pattern over the stream record): new audit items of an
 * org. An org's events carry a numeric `orgId`; the platform's (signing-key rotation) do not.
 */
export const AUDIT_INSERT_FILTER = {
  eventName: ['INSERT'],
  dynamodb: {
    Keys: { sk: { S: [{ prefix: keys.auditPrefix }] } },
    NewImage: { orgId: { N: [{ exists: true }] } },
  },
} as const;

const image = '$.dynamodb.NewImage';

/**
 * The detail. Quoted placeholders take a string attribute every org audit item has (none of them
 * holds a character JSON would escape); the unquoted one inserts the new image as a JSON object.
 */
export const DETAIL_TEMPLATE =
  `{"version": ${SECURITY_EVENT_VERSION}, "eventId": "<${image}.eventId.S>", "orgId": "<${image}.orgId.N>", ` +
  `"action": "<${image}.action.S>", "time": "<${image}.at.S>", "record": <${image}>}`;

/** Target parameters taken from the record by a JSON path (Pipes' dynamic path parameters). */
export const DETAIL_TYPE_PATH = `${image}.action.S`;
export const TIME_PATH = `${image}.at.S`;

/** A DynamoDB stream record as far as the definitions above read it. */
export interface StreamRecord {
  eventID?: string;
  eventName?: string;
  awsRegion?: string;
  dynamodb?: { Keys?: Record<string, unknown>; NewImage?: Record<string, unknown> };
}

/** The value at a JSON path of the dot-notation form Pipes supports (`$.a.b.c`); undefined if absent. */
export function valueAt(event: unknown, path: string): unknown {
  if (!/^\$(\.[\w-]+)+$/.test(path)) throw new Error(`Unsupported JSON path ${path}`);
  let value: unknown = event;
  for (const name of path.split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/**
 * Whether a record matches an event pattern: the parts of the pattern language the filter above
 * uses (lists of values, `prefix`, `exists`). Anything else is an error rather than a silent match,
 * so the filter cannot grow an operator that only AWS would apply.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([name, rule]) => {
    const value = event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[name] : undefined;
    if (!Array.isArray(rule)) return matchesPattern(rule as Record<string, unknown>, value);
    return rule.some((option: unknown) => {
      if (option === null || typeof option !== 'object') return value === option;
      const entries = Object.entries(option);
      if (entries.length !== 1) throw new Error(`Unsupported pattern ${JSON.stringify(option)}`);
      const [operator, operand] = entries[0]!;
      if (operator === 'prefix') return typeof value === 'string' && value.startsWith(operand as string);
      if (operator === 'exists') return (value !== undefined) === operand;
      throw new Error(`Unsupported pattern operator ${operator}`);
    });
  });
}

/**
 * Renders an input template against a record as Pipes does: `"<path>"` becomes the string found
 * there, `<path>` its JSON. A path the record lacks is an error: the template must only name what
 * every matching record has.
 */
export function renderTemplate(template: string, record: unknown): unknown {
  const text = template.replace(/("?)<(\$[^>]*)>("?)/g, (_, open: string, path: string, close: string) => {
    const value = valueAt(record, path);
    if (value === undefined) throw new Error(`The record has no ${path}`);
    if (open && close) {
      if (typeof value !== 'string') throw new Error(`${path} is not a string`);
      return JSON.stringify(value);
    }
    return open + JSON.stringify(value) + close;
  });
  return JSON.parse(text);
}

/**
 * The EventBridge event the pipe makes of a stream record, or undefined when the filter drops it.
 * The envelope's id, account and region are EventBridge's own in AWS; locally: the stream record's
 * id and the given account and region.
 */
export function securityEventOf(record: StreamRecord, where: { account: string; region: string }): SecurityEvent | undefined {
  if (!matchesPattern(AUDIT_INSERT_FILTER as unknown as Record<string, unknown>, record)) return undefined;
  return {
    version: '0',
    id: record.eventID ?? '',
    'detail-type': valueAt(record, DETAIL_TYPE_PATH) as string,
    source: SECURITY_EVENT_SOURCE,
    account: where.account,
    time: valueAt(record, TIME_PATH) as string,
    region: where.region,
    resources: [],
    detail: renderTemplate(DETAIL_TEMPLATE, record) as SecurityEventDetail,
  };
}

/**
 * Pagination cursors, for every paginated listing: DynamoDB's LastEvaluatedKey handed to the client
 * and back. A client must not choose where a Query starts (a made-up key can point into another
 * partition, or be one DynamoDB rejects with a 500), so a cursor carries an HMAC over the listing,
 * the org, the listing's filter and the key; a cursor this listing did not issue for this org and
 * filter is refused before any read (a filter's cursor would continue another filter's listing from
 * a position that skips or repeats rows).
 */
import { constantTimeEqual, keyedHash } from './secrets';
import { BadRequest, ErrorCode } from '../errors';

/** The paginated queries: a cursor of one never opens another. */
export type Listing = 'enrolment-report' | 'audit-trail' | 'org-users';

export interface CursorScope {
  listing: Listing;
  orgId: number;
  /** The listing's filter (`role=admin`), when the request has one. */
  filter?: string;
}

export type StartKey = Record<string, string | number>;

const PURPOSE = 'pagination-cursor';

// The scope's parts contain no NUL (a fixed name, an integer, a schema's enum value), nor does the
// base64url payload: the message is unambiguous. Without a filter it is what it was before filters.
const tagOf = (scope: CursorScope, payload: string) =>
  keyedHash(PURPOSE, [scope.listing, scope.orgId, ...(scope.filter === undefined ? [] : [scope.filter]), payload].join('\0'));

export async function issueCursor(scope: CursorScope, key: Record<string, unknown>): Promise<string> {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${await tagOf(scope, payload)}`;
}

/** The start key the cursor carries; 400 for a cursor not issued for this listing, org and filter. */
export async function openCursor(scope: CursorScope, cursor: string): Promise<StartKey> {
  const [payload, tag, ...rest] = cursor.split('.');
  if (payload && tag && rest.length === 0 && constantTimeEqual(tag, await tagOf(scope, payload))) {
    try {
      const key: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (isStartKey(key)) return key;
    } catch {
      // refused below
    }
  }
  throw new BadRequest(ErrorCode.invalidRequest, 'The cursor is not valid for this listing');
}

function isStartKey(value: unknown): value is StartKey {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([, v]) => (typeof v === 'string' && v !== '') || typeof v === 'number');
}

/**
 * GET /api/users: an org's users by id, a page at a time (one index Query, gsi1), optionally only
 * those of one status. The cursor is bound to the listing, the org and the status (crypto/cursor.ts).
 */
import { issueCursor, openCursor } from '../crypto/cursor';
import type { OrgScope } from '../model/org-scope';
import type { User, UserStatus } from '../model/user';
import { orgUsersPage } from './org-users-store';

export async function listUsers(
  scope: OrgScope,
  page: { limit: number; cursor?: string; status?: UserStatus },
): Promise<{ users: Required<User>[]; nextCursor?: string }> {
  const listing = { listing: 'org-users', orgId: scope, ...(page.status && { filter: `status=${page.status}` }) } as const;
  const start = page.cursor ? await openCursor(listing, page.cursor) : undefined;
  const result = await orgUsersPage(scope, page.limit, start, { status: page.status });
  const users = result.users.map(({ userId, email, role, status, createdAt }) => ({ userId, orgId: scope, email, role, status, createdAt }));
  return { users, ...(result.last && { nextCursor: await issueCursor(listing, result.last) }) };
}

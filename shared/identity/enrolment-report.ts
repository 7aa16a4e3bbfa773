/**
 * The enrolment report: an org's users with their verified second factors and whether each
 * satisfies the policy. One index Query per page: the profile item carries `enrolled`, kept in step
 * with the factor items by the same transactions that verify or remove a factor.
 */
import { issueCursor, openCursor } from '../crypto/cursor';
import type { FactorKind } from '../factors/account';
import type { OrgScope } from '../model/org-scope';
import type { Role } from '../model/user';
import { getPolicy } from '../policy/policy';
import { orgUsersPage } from './org-users-store';

export interface EnrolmentRow {
  userId: number;
  email: string;
  role: Role;
  methods: FactorKind[];
  satisfiesPolicy: boolean;
}

export async function enrolmentReport(scope: OrgScope, limit: number, cursor?: string) {
  const listing = { listing: 'enrolment-report', orgId: scope } as const;
  const start = cursor ? await openCursor(listing, cursor) : undefined;
  const policy = await getPolicy(scope);
  const page = await orgUsersPage(scope, limit, start);
  const users: EnrolmentRow[] = page.users.map(({ enrolled: methods, userId, email, role }) => {
    const usable = methods.some((m) => m === 'recovery' || (policy.methods as string[]).includes(m));
    return { userId, email, role, methods, satisfiesPolicy: !policy.forced || usable };
  });
  const nextCursor = page.last ? await issueCursor(listing, page.last) : undefined;
  return { users, nextCursor, policy };
}

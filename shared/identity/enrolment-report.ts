/**
 * The enrolment report: an org's users (optionally of one role) with their verified second factors,
 * the deadline by which the policy requires one of each (policy/role-rules.ts), and whether each
 * satisfies the policy. One index Query per page: the profile item carries `enrolled`, kept in step
 * with the factor items by the same transactions that verify or remove a factor.
 */
import { now } from '../clock';
import { issueCursor, openCursor } from '../crypto/cursor';
import type { FactorKind } from '../factors/account';
import type { OrgScope } from '../model/org-scope';
import type { Role } from '../model/user';
import { getPolicy } from '../policy/policy';
import { enrolmentDeadline } from '../policy/role-rules';
import { orgUsersPage } from './org-users-store';

export interface EnrolmentRow {
  userId: number;
  email: string;
  role: Role;
  methods: FactorKind[];
  satisfiesPolicy: boolean;
  /** When the policy requires this user to have a second factor by (ISO); null: it does not. */
  deadline: string | null;
  /** The deadline has come: without a factor, the user's next sign-in must enrol one first. */
  deadlinePassed: boolean;
}

export async function enrolmentReport(scope: OrgScope, page: { limit: number; cursor?: string; role?: Role }) {
  const listing = { listing: 'enrolment-report', orgId: scope, ...(page.role && { filter: `role=${page.role}` }) } as const;
  const start = page.cursor ? await openCursor(listing, page.cursor) : undefined;
  const policy = await getPolicy(scope);
  const { users: found, last } = await orgUsersPage(scope, page.limit, start, { role: page.role });
  const at = now().getTime();
  const users: EnrolmentRow[] = found.map(({ enrolled: methods, userId, email, role, createdAt }) => {
    const usable = methods.some((m) => m === 'recovery' || (policy.methods as string[]).includes(m));
    const deadline = enrolmentDeadline(policy, { role, createdAt });
    return {
      userId,
      email,
      role,
      methods,
      satisfiesPolicy: !deadline || usable,
      deadline: deadline?.toISOString() ?? null,
      deadlinePassed: deadline !== undefined && deadline.getTime() <= at,
    };
  });
  const nextCursor = last ? await issueCursor(listing, last) : undefined;
  return { users, nextCursor, policy };
}

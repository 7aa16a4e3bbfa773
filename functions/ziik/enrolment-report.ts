import { administeredOrg } from '../../shared/identity/permissions';
import { enrolmentReport } from '../../shared/identity/enrolment-report';
import { endpoint, ok } from '../endpoint';
import { ziikEnrolmentReport } from '../route-entries';
import { ziikMethods, ziikPolicy } from './presenters';

export const handler = endpoint(ziikEnrolmentReport, async ({ principal, query }) => {
  const { users, nextCursor, policy } = await enrolmentReport(administeredOrg(principal), query);
  return ok({
    data: users.map((u) => ({ ...u, methods: u.methods.map((m) => (m === 'recovery' ? m : ziikMethods([m])[0])) })),
    policy: ziikPolicy(policy),
    nextCursor: nextCursor ?? null,
  });
});

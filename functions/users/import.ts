import { importUsers } from '../../shared/identity/import';
import { targetOrgFor } from '../../shared/identity/permissions';
import { endpoint, ok } from '../endpoint';
import { usersImport } from '../route-entries';

export const handler = endpoint(usersImport, async ({ body, principal, actor }) => {
  const orgId = targetOrgFor(principal, body.orgId);
  const outcomes = await importUsers(orgId, body.users, actor, { dryRun: body.dryRun });
  return ok({ data: { outcomes } });
});

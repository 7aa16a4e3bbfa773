import { inviteUser } from '../../shared/identity/invitations';
import { assertMayCreateRole, targetOrgFor } from '../../shared/identity/permissions';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';
import { usersCreate } from '../route-entries';

export const handler = endpoint(usersCreate, async ({ body, principal, actor, headers }) => {
  assertMayCreateRole(principal, body.role);
  const orgId = targetOrgFor(principal, body.orgId);
  const invited = await inviteUser({ orgId, email: body.email, role: body.role }, actor, languageOf(headers['accept-language']));
  return ok(invited, 201);
});

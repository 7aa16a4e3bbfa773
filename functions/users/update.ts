import { requestEmailChange } from '../../shared/identity/email-change';
import { changeRole } from '../../shared/identity/user-changes';
import { visibleUser } from '../../shared/identity/permissions';
import { publicUser } from '../../shared/identity/users';
import { endpoint, ok } from '../endpoint';
import { usersUpdate } from '../route-entries';

export const handler = endpoint(usersUpdate, async ({ params, body, principal, actor, headers }) => {
  if (body.role !== undefined) await changeRole(principal, params.id, body.role, actor);
  const emailChange = body.email !== undefined ? await requestEmailChange(principal, params.id, body.email, actor, headers['accept-language']) : undefined;
  return ok({ data: publicUser(await visibleUser(principal, params.id)), ...(emailChange && { emailChange }) });
});

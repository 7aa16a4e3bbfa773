import { changeRole } from '../../shared/identity/user-changes';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('PATCH /api/users/{id}', async ({ params, body, principal, actor }) => {
  const user = body.role !== undefined ? await changeRole(principal, params.id, body.role, actor) : undefined;
  return ok({ data: user });
});

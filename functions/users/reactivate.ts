import { reactivateUser } from '../../shared/identity/offboarding';
import { endpoint, ok } from '../endpoint';
import { usersReactivate } from '../route-entries';

export const handler = endpoint(usersReactivate, async ({ params, principal, actor }) => {
  return ok({ data: await reactivateUser(principal, params.id, actor) });
});

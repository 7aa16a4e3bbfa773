import { deactivateUser } from '../../shared/identity/offboarding';
import { endpoint, ok } from '../endpoint';
import { usersDeactivate } from '../route-entries';

export const handler = endpoint(usersDeactivate, async ({ params, principal, actor }) => {
  return ok({ data: await deactivateUser(principal, params.id, actor) });
});

import { visibleUser } from '../../shared/identity/permissions';
import { publicUser } from '../../shared/identity/users';
import { endpoint, ok } from '../endpoint';
import { usersGet } from '../route-entries';

export const handler = endpoint(usersGet, async ({ params, principal }) => {
  return ok({ data: publicUser(await visibleUser(principal, params.id)) });
});

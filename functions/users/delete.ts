import { deleteUser } from '../../shared/identity/offboarding';
import { endpoint, noContent } from '../endpoint';
import { usersDelete } from '../route-entries';

export const handler = endpoint(usersDelete, async ({ params, principal, actor }) => {
  await deleteUser(principal, params.id, actor);
  return noContent();
});

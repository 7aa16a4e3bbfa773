import { deleteUser } from '../../shared/identity/offboarding';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/users/{id}', async ({ params, principal, actor }) => {
  await deleteUser(principal, params.id, actor);
  return noContent();
});

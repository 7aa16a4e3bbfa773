import { reactivateUser } from '../../shared/identity/offboarding';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/users/{id}/reactivate', async ({ params, principal, actor }) => {
  return ok({ data: await reactivateUser(principal, params.id, actor) });
});

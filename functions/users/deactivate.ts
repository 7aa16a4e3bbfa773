import { deactivateUser } from '../../shared/identity/offboarding';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/users/{id}/deactivate', async ({ params, principal, actor }) => {
  return ok({ data: await deactivateUser(principal, params.id, actor) });
});

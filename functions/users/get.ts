import { visibleUser } from '../../shared/identity/permissions';
import { publicUser } from '../../shared/identity/users';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/users/{id}', async ({ params, principal }) => {
  return ok({ data: publicUser(await visibleUser(principal, params.id)) });
});

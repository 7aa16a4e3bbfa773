import { administeredOrg } from '../../shared/identity/permissions';
import { listUsers } from '../../shared/identity/user-list';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/users', async ({ principal, query }) => {
  const { org, ...page } = query;
  return ok(await listUsers(administeredOrg(principal, org), page));
});

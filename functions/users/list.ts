import { administeredOrg } from '../../shared/identity/permissions';
import { listUsers } from '../../shared/identity/user-list';
import { endpoint, ok } from '../endpoint';
import { usersList } from '../route-entries';

export const handler = endpoint(usersList, async ({ principal, query }) => {
  const { org, ...page } = query;
  return ok(await listUsers(administeredOrg(principal, org), page));
});

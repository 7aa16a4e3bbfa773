import { auditTrail } from '../../shared/audit/trail';
import { administeredOrg } from '../../shared/identity/permissions';
import { endpoint, ok } from '../endpoint';
import { auditList } from '../route-entries';

export const handler = endpoint(auditList, async ({ principal, query }) => {
  const { events, nextCursor } = await auditTrail(administeredOrg(principal, query.org), query.limit, query.cursor);
  return ok({ data: events, nextCursor });
});

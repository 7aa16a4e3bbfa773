import { auditTrail } from '../../shared/audit/trail';
import { administeredOrg } from '../../shared/identity/permissions';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/audit', async ({ principal, query }) => {
  const { events, nextCursor } = await auditTrail(administeredOrg(principal, query.org), query.limit, query.cursor);
  return ok({ data: events, nextCursor });
});

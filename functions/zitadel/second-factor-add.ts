import { administeredOrg } from '../../shared/identity/permissions';
import { allowMethod, changePolicy } from '../../shared/policy/changes';
import { endpoint, ok } from '../endpoint';
import { objectDetails } from './presenters';

export const handler = endpoint('POST /management/v1/policies/login/second_factors', async ({ principal, body, headers, meta }) => {
  const orgId = administeredOrg(principal, headers['x-zitadel-orgid']);
  const policy = await changePolicy(orgId, { principal, ...meta }, allowMethod(body.type, { strict: true }));
  return ok({ details: objectDetails(policy) });
});

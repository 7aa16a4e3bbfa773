import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { allowMethod } from '../../shared/policy/rules';
import { endpoint, ok } from '../endpoint';
import { zitadelSecondFactorAdd } from '../route-entries';
import { objectDetails } from './presenters';

export const handler = endpoint(zitadelSecondFactorAdd, async ({ principal, body, headers, actor }) => {
  const orgId = administeredOrg(principal, headers['x-zitadel-orgid']);
  const policy = await changePolicy(orgId, actor, allowMethod(body.type, { strict: true }));
  return ok({ details: objectDetails(policy) });
});

import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { disallowMethod } from '../../shared/policy/rules';
import { endpoint, ok } from '../endpoint';
import { zitadelSecondFactorRemove } from '../route-entries';
import { objectDetails } from './presenters';

export const handler = endpoint(zitadelSecondFactorRemove, async ({ principal, params, headers, actor }) => {
  const orgId = administeredOrg(principal, headers['x-zitadel-orgid']);
  const policy = await changePolicy(orgId, actor, disallowMethod(params.type, { strict: true }));
  return ok({ details: objectDetails(policy) });
});

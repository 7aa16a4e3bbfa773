import { administeredOrg } from '../../shared/identity/permissions';
import { currentPolicy } from '../../shared/policy/policy';
import { endpoint, ok } from '../endpoint';
import { zitadelSecondFactorsSearch } from '../route-entries';
import { secondFactorList } from './presenters';

export const handler = endpoint(zitadelSecondFactorsSearch, async ({ principal, headers }) => {
  const policy = await currentPolicy(administeredOrg(principal, headers['x-zitadel-orgid']));
  return ok(secondFactorList(policy));
});

import { administeredOrg } from '../../shared/identity/permissions';
import { currentPolicy } from '../../shared/policy/policy';
import { endpoint, ok } from '../endpoint';
import { secondFactorList } from './presenters';

export const handler = endpoint('POST /management/v1/policies/login/second_factors/_search', async ({ principal, headers }) => {
  const policy = await currentPolicy(administeredOrg(principal, headers['x-zitadel-orgid']));
  return ok(secondFactorList(policy));
});

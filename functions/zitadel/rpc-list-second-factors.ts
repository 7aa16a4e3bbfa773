import { administeredOrg } from '../../shared/identity/permissions';
import { currentPolicy } from '../../shared/policy/policy';
import { endpoint, ok } from '../endpoint';
import { zitadelRpcListSecondFactors } from '../route-entries';
import { rpc } from '../rpc';
import { ManagementService } from './gen/zitadel/management_pb';
import { secondFactorList } from './presenters';

export const handler = endpoint(
  zitadelRpcListSecondFactors,
  async ({ principal, headers }) => {
    const policy = await currentPolicy(administeredOrg(principal, headers['x-zitadel-orgid']));
    return ok(secondFactorList(policy));
  },
  rpc(ManagementService.method.listLoginPolicySecondFactors),
);

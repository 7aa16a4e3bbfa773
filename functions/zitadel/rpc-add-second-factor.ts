import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { allowMethod } from '../../shared/policy/rules';
import { endpoint, ok } from '../endpoint';
import { zitadelRpcAddSecondFactor } from '../route-entries';
import { rpc } from '../rpc';
import { ManagementService } from './gen/zitadel/management_pb';
import { objectDetails } from './presenters';

export const handler = endpoint(
  zitadelRpcAddSecondFactor,
  async ({ principal, body, headers, actor }) => {
    const orgId = administeredOrg(principal, headers['x-zitadel-orgid']);
    const policy = await changePolicy(orgId, actor, allowMethod(body.type, { strict: true }));
    return ok({ details: objectDetails(policy) });
  },
  rpc(ManagementService.method.addSecondFactorToLoginPolicy),
);

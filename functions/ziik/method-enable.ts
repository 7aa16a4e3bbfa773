import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { allowMethod } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';
import { ziikMethodEnable } from '../route-entries';

export const handler = endpoint(ziikMethodEnable, async ({ principal, params, actor }) => {
  await changePolicy(administeredOrg(principal), actor, allowMethod(params.method, { strict: false }));
  return noContent();
});

import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { disallowMethod } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';
import { ziikMethodDisable } from '../route-entries';

export const handler = endpoint(ziikMethodDisable, async ({ principal, params, actor }) => {
  await changePolicy(administeredOrg(principal), actor, disallowMethod(params.method, { strict: false }));
  return noContent();
});

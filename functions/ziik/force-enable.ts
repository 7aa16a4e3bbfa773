import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { setForced } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';
import { ziikForceEnable } from '../route-entries';

export const handler = endpoint(ziikForceEnable, async ({ principal, actor }) => {
  await changePolicy(administeredOrg(principal), actor, setForced(true));
  return noContent();
});

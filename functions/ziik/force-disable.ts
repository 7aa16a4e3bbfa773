import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { setForced } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';
import { ziikForceDisable } from '../route-entries';

export const handler = endpoint(ziikForceDisable, async ({ principal, actor }) => {
  await changePolicy(administeredOrg(principal), actor, setForced(false));
  return noContent();
});

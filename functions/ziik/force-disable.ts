import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { setForced } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/settings/twofactor/force', async ({ principal, actor }) => {
  await changePolicy(administeredOrg(principal), actor, setForced(false));
  return noContent();
});

import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { setSettings } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('PATCH /api/settings/twofactor', async ({ principal, body, actor }) => {
  await changePolicy(administeredOrg(principal), actor, setSettings(body));
  return noContent();
});

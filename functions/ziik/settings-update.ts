import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy, setSettings } from '../../shared/policy/changes';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('PATCH /api/settings/twofactor', async ({ principal, body, meta }) => {
  await changePolicy(administeredOrg(principal), { principal, ...meta }, setSettings(body));
  return noContent();
});

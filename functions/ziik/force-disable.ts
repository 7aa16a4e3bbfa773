import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy, setForced } from '../../shared/policy/changes';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/settings/twofactor/force', async ({ principal, meta }) => {
  await changePolicy(administeredOrg(principal), { principal, ...meta }, setForced(false));
  return noContent();
});

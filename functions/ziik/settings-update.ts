import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy, setTimings } from '../../shared/policy/changes';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('PATCH /api/settings/twofactor', async ({ principal, body, meta }) => {
  await changePolicy(administeredOrg(principal), { principal, ...meta }, setTimings(body));
  return noContent();
});

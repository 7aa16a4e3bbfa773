import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy, disallowMethod } from '../../shared/policy/changes';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/settings/twofactor/{method}', async ({ principal, params, meta }) => {
  await changePolicy(administeredOrg(principal), { principal, ...meta }, disallowMethod(params.method, { strict: false }));
  return noContent();
});

import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy, allowMethod } from '../../shared/policy/changes';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/settings/twofactor/{method}', async ({ principal, params, meta }) => {
  await changePolicy(administeredOrg(principal), { principal, ...meta }, allowMethod(params.method, { strict: false }));
  return noContent();
});

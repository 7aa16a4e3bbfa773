import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { allowMethod } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/settings/twofactor/{method}', async ({ principal, params, actor }) => {
  await changePolicy(administeredOrg(principal), actor, allowMethod(params.method, { strict: false }));
  return noContent();
});

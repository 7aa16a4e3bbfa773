import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { disallowMethod } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/settings/twofactor/{method}', async ({ principal, params, actor }) => {
  await changePolicy(administeredOrg(principal), actor, disallowMethod(params.method, { strict: false }));
  return noContent();
});

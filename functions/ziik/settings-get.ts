import { administeredOrg } from '../../shared/identity/permissions';
import { currentPolicy } from '../../shared/policy/policy';
import { endpoint, ok } from '../endpoint';
import { ziikPolicy } from './presenters';

export const handler = endpoint('GET /api/settings/twofactor', async ({ principal }) => {
  return ok({ data: ziikPolicy(await currentPolicy(administeredOrg(principal))) });
});

import { administeredOrg } from '../../shared/identity/permissions';
import { currentPolicy } from '../../shared/policy/policy';
import { endpoint, ok } from '../endpoint';
import { ziikSettingsGet } from '../route-entries';
import { ziikPolicy } from './presenters';

export const handler = endpoint(ziikSettingsGet, async ({ principal }) => {
  return ok({ data: ziikPolicy(await currentPolicy(administeredOrg(principal))) });
});

import { administeredOrg } from '../../shared/identity/permissions';
import { changePolicy } from '../../shared/policy/changes';
import { setRoleRules } from '../../shared/policy/role-rules';
import { allOf, setSettings } from '../../shared/policy/rules';
import { endpoint, noContent } from '../endpoint';
import { ziikSettingsUpdate } from '../route-entries';

export const handler = endpoint(ziikSettingsUpdate, async ({ principal, body, actor }) => {
  const { roleRules, ...settings } = body;
  await changePolicy(administeredOrg(principal), actor, allOf(setSettings(settings), ...(roleRules ? [setRoleRules(roleRules)] : [])));
  return noContent();
});

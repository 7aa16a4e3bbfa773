import { regenerateRecoveryCodes } from '../../shared/factors/recovery/enrolment';
import { endpoint, ok } from '../endpoint';
import { recoveryGenerate } from '../route-entries';

export const handler = endpoint(recoveryGenerate, async ({ principal, body, actor }) => {
  const codes = await regenerateRecoveryCodes(principal, actor, body?.code);
  return ok({ data: { codes } }, 201);
});

import { regenerateRecoveryCodes } from '../../shared/factors/recovery/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/two-factor/recovery-codes', async ({ principal, body, actor }) => {
  const codes = await regenerateRecoveryCodes(principal, actor, body?.code);
  return ok({ data: { codes } }, 201);
});

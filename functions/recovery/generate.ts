import { regenerateRecoveryCodes } from '../../shared/factors/recovery/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/two-factor/recovery-codes', async ({ principal, body, meta }) => {
  const codes = await regenerateRecoveryCodes(principal, { principal, ...meta }, body?.code);
  return ok({ data: { codes } }, 201);
});

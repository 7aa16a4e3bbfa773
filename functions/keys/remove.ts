import { removeKey } from '../../shared/factors/webauthn/enrolment';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/two-factor/webauthn/{id}', async ({ principal, params, body, meta }) => {
  await removeKey(principal, params.id, { principal, ...meta }, body?.code);
  return noContent();
});

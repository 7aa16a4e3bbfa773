import { removeKey } from '../../shared/factors/webauthn/enrolment';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/two-factor/webauthn/{id}', async ({ principal, params, body, actor }) => {
  await removeKey(principal, params.id, actor, body?.code);
  return noContent();
});

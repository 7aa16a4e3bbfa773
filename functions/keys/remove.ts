import { removeKey } from '../../shared/factors/webauthn/enrolment';
import { endpoint, noContent } from '../endpoint';
import { keysRemove } from '../route-entries';

export const handler = endpoint(keysRemove, async ({ principal, params, body, actor }) => {
  await removeKey(principal, params.id, actor, body?.code);
  return noContent();
});

import { finishKeyRegistration } from '../../shared/factors/webauthn/enrolment';
import { endpoint, ok } from '../endpoint';
import { keysRegister } from '../route-entries';

export const handler = endpoint(keysRegister, async ({ principal, body, actor }) => {
  const { key, tokens } = await finishKeyRegistration(principal, body.response, body.name, actor);
  return ok({ data: key, ...(tokens && { ...tokens, isTwoFactorEnable: true }) }, 201);
});

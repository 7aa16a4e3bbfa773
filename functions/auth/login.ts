import { cookieValue, DEVICE_COOKIE } from '../../shared/http/cookies';
import { login } from '../../shared/identity/login';
import { endpoint, ok } from '../endpoint';
import { authLogin } from '../route-entries';
import { loginAnswer } from './presenters';

export const handler = endpoint(authLogin, async ({ body, actor, cookies }) => {
  // API clients send the token in the body; the page's browser sends its cookie.
  const deviceToken = body.deviceToken ?? cookieValue(cookies, DEVICE_COOKIE);
  return ok(loginAnswer(await login(body.email, body.password, actor, { deviceToken })));
});

import { clearedDeviceCookie, cookieValue, DEVICE_COOKIE } from '../../shared/http/cookies';
import { forgetOwnDevice } from '../../shared/identity/remembered-devices';
import { deviceIdOf } from '../../shared/tokens/devices';
import { endpoint, noContent } from '../endpoint';
import { devicesForget } from '../route-entries';

export const handler = endpoint(devicesForget, async ({ principal, params, actor, cookies }) => {
  await forgetOwnDevice(principal, params.id, actor);
  // Forgetting the device this browser is: its cookie goes too.
  const here = deviceIdOf(cookieValue(cookies, DEVICE_COOKIE)) === params.id;
  return { ...noContent(), ...(here && { cookies: [clearedDeviceCookie()] }) };
});

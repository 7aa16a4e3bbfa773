import { cookieValue, DEVICE_COOKIE } from '../../shared/http/cookies';
import { ownDevices } from '../../shared/identity/remembered-devices';
import { deviceIdOf } from '../../shared/tokens/devices';
import { endpoint, ok } from '../endpoint';
import { devicesList } from '../route-entries';

export const handler = endpoint(devicesList, async ({ principal, cookies }) => {
  const current = deviceIdOf(cookieValue(cookies, DEVICE_COOKIE));
  return ok({ data: (await ownDevices(principal)).map((d) => ({ ...d, current: d.id === current })) });
});

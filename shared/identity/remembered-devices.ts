/**
 * The caller's own remembered devices (GET /api/two-factor/devices, DELETE .../{id}): listed with
 * where and when they were remembered and until when they work (the org's current allowance may end
 * them sooner than their own expiry), never a token; forgotten one at a time, audited.
 */
import type { Actor } from '../audit/events';
import { now } from '../clock';
import { getPolicy } from '../policy/policy';
import { LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { devicesStateOf, forgetDevice, listDevices, noSuchDevice, type DeviceView } from '../tokens/devices';
import type { Principal } from '../tokens/principal';

export async function ownDevices(principal: Principal): Promise<DeviceView[]> {
  const [state, policy] = await Promise.all([devicesStateOf(principal.userId), getPolicy(principal.orgId)]);
  return listDevices(principal.userId, state, policy, now());
}

export async function forgetOwnDevice(principal: Principal, deviceId: string, actor: Actor): Promise<void> {
  try {
    await transactWrite(forgetDevice(principal, deviceId, actor));
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw noSuchDevice();
    throw error;
  }
}

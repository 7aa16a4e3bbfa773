/**
 * Remembered devices: after a second factor, a user may have the device remembered for the days the
 * org allows (policy `rememberDeviceDays`, 0 = off); a later password login that presents its token
 * skips the second step (aal 1, amr ["pwd","dev"]: sensitive changes still demand a fresh factor).
 *
 * The token is `<device id>.<256 random bits>`, both base64url: the id finds the one item (a GetItem
 * in the user's partition, so another user's token finds nothing), the random part is the secret,
 * stored only as its keyed hash (data-key HMAC, purpose "device-token").
 *
 * A device works while it is unexpired, not forgotten, younger than the org's current allowance and
 * not older than its last shortening (a shorter allowance retires older devices at once and for good,
 * checked at login against the policy: no device item changes), and made after the user's last
 * revocation (a 2FA reset or disable, a password change or reset, a deactivation): one stamp in the
 * devices' state, written in the change's own transaction, however many devices there are.
 */
import { auditPut, type Actor } from '../audit/events';
import { constantTimeEqual, keyedHash, randomToken } from '../crypto/secrets';
import { NotFound } from '../errors';
import { describeUserAgent } from '../model/user-agent';
import { epochSeconds } from '../store/conditions';
import type { TransactItem } from '../store/transact';
import * as deviceStore from './device-store';
import type { DeviceItem, DevicesState } from './device-store';
import type { Subject } from './sessions';

export type { DeviceItem, DevicesState };
export { devicesStateSortKey, MAX_REMEMBERED } from './device-store';

/** The longest allowance an org may set, in days. */
export const MAX_REMEMBER_DEVICE_DAYS = 90;
/** Why every device of a user was revoked (audit `devices.revoked`, details.reason). */
export type RevocationReason = 'two_factor_reset' | 'two_factor_disabled' | 'password_changed' | 'password_reset' | 'deactivated' | 'policy';

const DAY = 24 * 3600;
const TOKEN = /^([A-Za-z0-9_-]{22})\.[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => keyedHash('device-token', token);

export interface RememberedDevice {
  deviceId: string;
  /** The credential: shown once, in the answer and the cookie. */
  deviceToken: string;
  expiresAt: Date;
  /** Seconds until it expires (the cookie's Max-Age). */
  maxAge: number;
  /** The device, its state and the audit event, for the transaction that finishes the login. */
  writes: TransactItem[];
  /** The write of the devices' state among them: failing, it lost to another login remembering a device at once, not the proof. */
  stateWrite: TransactItem;
}

/**
 * A new device for the subject, remembered for `days`, not yet written: /2fa/authenticate offers it
 * (factors/authenticate.ts finishLogin). A passkey sign-in has no second step to skip, so it has none.
 * `state` is the devices' state the login read: beyond the newest MAX_REMEMBERED, the oldest goes.
 */
export async function prepareDevice(
  subject: Subject,
  days: number,
  actor: Actor,
  at: Date,
  state: DevicesState | undefined,
  policySequence?: number,
): Promise<RememberedDevice> {
  const deviceId = randomToken(16);
  const deviceToken = `${deviceId}.${randomToken()}`;
  const maxAge = days * DAY;
  const expiresAt = new Date(at.getTime() + maxAge * 1000);
  const label = describeUserAgent(actor.userAgent);
  const device: DeviceItem = { deviceId, tokenHash: await hashOf(deviceToken), label, createdAt: at.toISOString(), expiresAt: epochSeconds(expiresAt) };
  const { writes, replaced, stateWrite } = deviceStore.put(subject.userId, device, state);
  const event = auditPut({
    orgId: subject.orgId,
    action: 'device.remembered',
    actor,
    targetUserId: subject.userId,
    details: { deviceId, expiresAt: expiresAt.toISOString(), userAgent: label, ...(replaced.length > 0 && { replaced }) },
    policySequence,
  });
  return { deviceId, deviceToken, expiresAt, maxAge, writes: [...writes, event], stateWrite };
}

/** What the org's policy allows now (policy `rememberDeviceDays`, `rememberedDevicesNotBefore`). */
export interface Allowance {
  rememberDeviceDays: number;
  rememberedDevicesNotBefore?: string;
}

/** When a device stops working under the allowance: its own expiry, or its age reaching the allowance. */
const endOf = (device: DeviceItem, allowance: Allowance) =>
  Math.min(device.expiresAt * 1000, Date.parse(device.createdAt) + allowance.rememberDeviceDays * DAY * 1000);

/** Whether a device still works under the user's revocations and the org's allowance, at `at`. */
function usable(device: DeviceItem, state: DevicesState | undefined, allowance: Allowance, at: Date): boolean {
  const notBefore = [state?.revokedAt, allowance.rememberedDevicesNotBefore].filter((t) => t !== undefined);
  return endOf(device, allowance) > at.getTime() && notBefore.every((t) => device.createdAt > t);
}

export interface DeviceMatch {
  device: DeviceItem;
  /** Records the use, for the login's transaction; fails if the device was forgotten or revoked meanwhile. */
  writes: TransactItem[];
}

/**
 * The user's device this token names, when it still works; undefined for anything else (malformed,
 * unknown, another user's, expired, forgotten, revoked, older than the allowance): the caller falls
 * back to the second step and never says why.
 */
export async function checkDeviceToken(
  userId: number,
  token: string,
  state: DevicesState | undefined,
  allowance: Allowance,
  at: Date,
): Promise<DeviceMatch | undefined> {
  const deviceId = TOKEN.exec(token)?.[1];
  if (!deviceId || allowance.rememberDeviceDays <= 0) return undefined;
  const [device, presented] = await Promise.all([deviceStore.get(userId, deviceId), hashOf(token)]);
  if (!device || !constantTimeEqual(device.tokenHash, presented) || !usable(device, state, allowance, at)) return undefined;
  return { device, writes: deviceStore.use(userId, device, state, at) };
}

/** The id a token names, if it is shaped like one of ours. */
export const deviceIdOf = (token: string | undefined): string | undefined => (token ? TOKEN.exec(token)?.[1] : undefined);

export interface DeviceView {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
  /** When it stops working: its own expiry or the org's current allowance, whichever comes first. */
  expiresAt: string;
}

/** The user's devices that still work, newest first; never a token or its hash. */
export async function listDevices(userId: number, state: DevicesState | undefined, allowance: Allowance, at: Date): Promise<DeviceView[]> {
  const devices = (await deviceStore.list(userId)).filter((d) => usable(d, state, allowance, at));
  return devices
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((d) => ({
      id: d.deviceId,
      label: d.label,
      createdAt: d.createdAt,
      ...(d.lastUsedAt && { lastUsedAt: d.lastUsedAt }),
      expiresAt: new Date(endOf(d, allowance)).toISOString(),
    }));
}

/** Forgets one of the subject's devices, with its audit event, for a transaction; see forgetFailed. */
export function forgetDevice(subject: Subject, deviceId: string, actor: Actor, policySequence?: number): TransactItem[] {
  return [
    deviceStore.remove(subject.userId, deviceId),
    auditPut({ orgId: subject.orgId, action: 'device.forgotten', actor, targetUserId: subject.userId, details: { deviceId }, policySequence }),
  ];
}

export const noSuchDevice = () => new NotFound('No such remembered device');

/** The user's devices, if any may still work, as the state read with the account (or alone) shows them. */
export const mayHaveDevices = (state: DevicesState | undefined): boolean =>
  !!state?.rememberedAt && (state.revokedAt === undefined || state.rememberedAt > state.revokedAt);

/**
 * Revokes every device of the user, for the transaction of the change that is the reason: the stamp
 * always (the state read may be stale: a device remembered since is older than the stamp and goes
 * too), the audit event where the state read shows devices that may still work.
 */
export function revokeDevices(
  subject: Subject,
  state: DevicesState | undefined,
  reason: RevocationReason,
  actor: Actor,
  at: Date,
  policySequence?: number,
): TransactItem[] {
  return [
    deviceStore.revokeAll(subject.userId, at),
    ...(mayHaveDevices(state)
      ? [auditPut({ orgId: subject.orgId, action: 'devices.revoked', actor, targetUserId: subject.userId, details: { reason }, policySequence })]
      : []),
  ];
}

/** The devices' state of a user whose account was not read (a deactivation). */
export const devicesStateOf = (userId: number): Promise<DevicesState | undefined> => deviceStore.getState(userId);

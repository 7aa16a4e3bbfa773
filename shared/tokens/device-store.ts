/**
 * The remembered devices' items, in the user's partition:
 * - a device (sk=TRUSTED_DEVICE#<id>): the token's keyed hash, its label, when it was made and last
 *   used, `expiresAt` (epoch seconds, the TTL; reads and conditions check it too). Sorted after the
 *   sessions, outside the account Query: a login with a token reads its one device by id.
 * - the devices' state (sk=DEVICES): when a device was last remembered and when all of them were
 *   last revoked, and the ids of the newest remembered (at most MAX_REMEMBERED, newest first: the
 *   one a new device pushes out is deleted with it). It sorts inside the account Query, so a login, a password change or a 2FA reset
 *   learns it with the read it makes anyway; a revocation is one write of it, in the change's
 *   transaction, however many devices there are.
 *
 * Access patterns: a device by id (login: GetItem); a user's devices (Query by prefix: the list).
 */
import { GetCommand, QueryCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { epochSeconds } from '../store/conditions';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';

export interface DeviceItem {
  deviceId: string;
  tokenHash: string;
  /** A few words from the User-Agent ("Firefox on Linux"). */
  label: string;
  createdAt: string;
  lastUsedAt?: string;
  /** Epoch seconds: the end of the allowance it was remembered under (TTL). */
  expiresAt: number;
}

export interface DevicesState {
  /** ISO time a device was last remembered. */
  rememberedAt?: string;
  /** The newest remembered devices' ids, newest first (devices remembered before the list began are not in it). */
  recent?: string[];
  /** ISO time every device made until then was revoked. */
  revokedAt?: string;
}

/** The sort key the account Query answers the devices' state under. */
export const devicesStateSortKey = keys.devicesState(0).sk;

const strip = <T>({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest as T;

/** How many remembered devices a user keeps: a new one beyond them replaces the oldest. */
export const MAX_REMEMBERED = 10;

/**
 * Stores a new device and notes it in the state, for the transaction that finishes the login; the
 * oldest device beyond MAX_REMEMBERED goes (its id is in `replaced`). The state must still be as the
 * login read it (`state`), so two logins remembering at once cannot both keep their device in a list
 * of ten: one of them fails `stateWrite`'s condition, and its client retries.
 */
export function put(
  userId: number,
  device: DeviceItem,
  state: DevicesState | undefined,
): { writes: TransactItem[]; replaced: string[]; stateWrite: TransactItem } {
  const recent = [device.deviceId, ...(state?.recent ?? [])];
  const replaced = recent.slice(MAX_REMEMBERED);
  // Every remembering moves rememberedAt: unchanged since the read, so is the list.
  const read = state?.rememberedAt;
  const stateWrite: TransactItem = {
    Update: {
      TableName: tableName(),
      Key: keys.devicesState(userId),
      UpdateExpression: 'SET rememberedAt = :at, recent = :recent',
      ConditionExpression: read === undefined ? 'attribute_not_exists(rememberedAt)' : 'rememberedAt = :read',
      ExpressionAttributeValues: { ':at': device.createdAt, ':recent': recent.slice(0, MAX_REMEMBERED), ...(read !== undefined && { ':read': read }) },
    },
  };
  const writes: TransactItem[] = [
    { Put: { TableName: tableName(), Item: { ...keys.device(userId, device.deviceId), ...device }, ConditionExpression: 'attribute_not_exists(pk)' } },
    stateWrite,
    // Gone already (expired, forgotten) is fine: no condition.
    ...replaced.map((id): TransactItem => ({ Delete: { TableName: tableName(), Key: keys.device(userId, id) } })),
  ];
  return { writes, replaced, stateWrite };
}

/** The device of this id, or undefined. Eventually consistent: the login's transaction checks it again. */
export async function get(userId: number, deviceId: string): Promise<DeviceItem | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.device(userId, deviceId) }));
  return result.Item && strip<DeviceItem>(result.Item);
}

/** The user's devices, every page (each is a login with a second factor: few). */
export async function list(userId: number): Promise<DeviceItem[]> {
  const devices: DeviceItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':prefix': keys.devicePrefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    devices.push(...(page.Items ?? []).map((i) => strip<DeviceItem>(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  return devices;
}

/** The devices' state alone (a deactivation, which reads no account). */
export async function getState(userId: number): Promise<DevicesState | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.devicesState(userId) }));
  return result.Item && strip<DevicesState>(result.Item);
}

/**
 * A login by the device, for its transaction: the token is still this one and unexpired (a device
 * forgotten since the read fails this), and no revocation came after the state the login read.
 */
export function use(userId: number, device: DeviceItem, state: DevicesState | undefined, at: Date): TransactItem[] {
  return [
    {
      Update: {
        TableName: tableName(),
        Key: keys.device(userId, device.deviceId),
        UpdateExpression: 'SET lastUsedAt = :at',
        ConditionExpression: 'tokenHash = :hash AND expiresAt > :now',
        ExpressionAttributeValues: { ':at': at.toISOString(), ':hash': device.tokenHash, ':now': epochSeconds(at) },
      },
    },
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.devicesState(userId),
        ...(state?.revokedAt === undefined
          ? { ConditionExpression: 'attribute_not_exists(revokedAt)' }
          : { ConditionExpression: 'revokedAt = :revoked', ExpressionAttributeValues: { ':revoked': state.revokedAt } }),
      },
    },
  ];
}

/** Forgets one device, for a transaction; fails when there is no such device. */
export function remove(userId: number, deviceId: string): TransactItem {
  return { Delete: { TableName: tableName(), Key: keys.device(userId, deviceId), ConditionExpression: 'attribute_exists(pk)' } };
}

/** Revokes every device made until `at`, for the transaction of the change that revokes them. */
export function revokeAll(userId: number, at: Date): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.devicesState(userId),
      UpdateExpression: 'SET revokedAt = :at',
      ExpressionAttributeValues: { ':at': at.toISOString() },
    },
  };
}

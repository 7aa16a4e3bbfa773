/**
 * The user as every layer sees it. A leaf module of types only: the factors, tokens and identity
 * folders all speak of users, and none of them should import another just for a type.
 */

export type Role = 'member' | 'admin' | 'support';

/**
 * Where a user is in their lifecycle: invited (no password of their own yet), active, or deactivated
 * (offboarded: no login, refresh or token use). Items written before the lifecycle have none: active.
 */
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface Org {
  orgId: number;
  name: string;
  createdAt: string;
}

export interface User {
  userId: number;
  orgId: number;
  email: string;
  role: Role;
  createdAt: string;
  /** Absent on items written before the lifecycle: active. */
  status?: UserStatus;
}

export interface UserRecord extends User {
  /** Absent while invited: the user has not chosen a password yet. */
  passwordHash?: string;
  /** The Ziik `method`: the factor the user prefers. */
  preferredMethod?: 'totp' | 'sms' | 'webauthn' | 'email';
  /** Verified factor kinds (a string set), kept in step with the factor items. */
  enrolled?: Set<string>;
  /** A deactivated user's status before, which reactivation restores (an invited user stays invited). */
  statusBefore?: UserStatus;
  /**
   * The language the user reads (security notifications): from Accept-Language when they chose a
   * password (invitation accepted, password changed), written with the password so it costs no write.
   */
  language?: string;
  /** Set on the tombstone of a user being erased (identity/offboarding.ts): the user is gone. */
  deletedAt?: string;
}

/** Whether the user may sign in and use tokens (absent status: active). */
export const isActive = (user: Pick<User, 'status'>): boolean => (user.status ?? 'active') === 'active';

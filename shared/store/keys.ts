/**
 * The one place that builds table keys. Prefixes say what an item is.
 *
 * Access patterns (which request reads what):
 * | pattern                                  | key                                              |
 * |------------------------------------------|--------------------------------------------------|
 * | next org / user id                       | pk=COUNTER sk=<name>                              |
 * | org by id; its 2FA policy                | pk=ORG#<id> sk=ORG / POLICY                       |
 * | an org's audit events, newest first      | pk=ORG#<id>#AUDIT#<shard> sk=AUDIT#<time>#<id>:   |
 * |                                          |   one Query per shard, merged (audit/trail.ts)    |
 * | platform audit events (signing keys)     | pk=PLATFORM sk=AUDIT#<time>#<id>                  |
 * | org id by name (bootstrap)               | pk=ORGNAME#<name> sk=ORGNAME                      |
 * | user id by email (login)                 | pk=EMAIL#<email> sk=EMAIL                         |
 * | everything to verify a 2nd factor: Query | pk=USER#<id> sk<SESSION# (PROFILE, MFA, FACTOR#…,   |
 * |                                          |   CODE#SMS, CODE#EMAIL, CHALLENGE#…); sessions     |
 * |                                          |   sort after                                      |
 * | a spent pending login token (by its jti) | pk=USER#<id> sk=SESSION#<jti>: the login's session |
 * |                                          |   (sid = jti), or an ended marker (a reset)       |
 * | a user's invitation / reset link; a reset | pk=USER#<id> sk=LINK#invitation / LINK#reset /    |
 * |   waiting for its second factor          |   RESET#PENDING: in the account Query, so accept, |
 * |                                          |   reset and /2fa/authenticate read one partition once|
 * | a requested email change (its link)      | pk=USER#<id> sk=LINK#email-change                 |
 * | a passkey sign-in's challenge (no account  | pk=PASSKEY_CHALLENGE#<challenge> sk=CHALLENGE     |
 * |   is named yet: keyed by the challenge)   |                                                   |
 * | an imported passkey's owner (its user    | pk=IMPORTED_PASSKEY#<sha256 of the credential id> |
 * |   handle is another deployment's)        |   sk=OWNER                                        |
 * | a remembered device (login: one GetItem  | pk=USER#<id> sk=TRUSTED_DEVICE#<id> (after        |
 * |   by the token's id); the user's devices |   sessions: outside the account Query); the       |
 * |   (a Query); their revocation stamp      |   stamp sk=DEVICES is in the account Query        |
 * | an org's users, by id: index gsi1        | gsi1pk=ORG#<id>#USERS gsi1sk=USER#<padded id>     |
 * | signing keys, newest first               | pk=SIGNING_KEYS sk=KEY#<padded seq>               |
 * | fixed-window rate counters               | pk=RATE#<scope>#<subject> sk=<window start>       |
 * | minimum interval: the last event's time  | pk=RATE#<scope>#<subject> sk=LAST                 |
 *
 * Indexes: `gsi1` serves one access pattern, the enrolment report (identity/enrolment-report.ts:
 * an org's users by id). Only the user's profile item carries its keys, and it projects only what
 * that report reads (infra/table.ts, `gsi1.projection`): no password hash is copied into it, and a
 * profile write that changes none of those attributes costs the index nothing.
 *
 * Keys for large tenants: nothing that every login writes lands in one partition per org. A 2FA
 * login writes its audit event into one of AUDIT_SHARDS partitions, chosen by the event's random
 * id; everything else a login writes is in the user's own partition. (test/unit/partition-load.test.ts
 * runs these builders over an hour of a 1,000,000-user org's peak and checks every partition.)
 */
import { createHash } from 'node:crypto';

export interface Key {
  pk: string;
  sk: string;
}

const pad = (n: number) => String(n).padStart(12, '0');

/**
 * Partitions an org's audit trail is spread over. A partition takes 1,000 write units a second and
 * a transactional write of an event (under 1 KB) costs 2, so one partition tops out near 500 events
 * a second. A 1,000,000-user org at 2,000 2FA logins a second writes about 3,200 events a second
 * (logins, SMS sends, sessions ended): 32 shards keep the busiest second of an hour near 30% of
 * a partition (test/unit/partition-load.test.ts). Changing it re-homes every event.
 */
export const AUDIT_SHARDS = 32;

/** An event's shard: from its id (a random UUID), so writes spread evenly and need no state. */
const auditShardOf = (eventId: string) => parseInt(eventId.slice(0, 8), 16) % AUDIT_SHARDS;

export const keys = {
  counter: (name: 'org' | 'user'): Key => ({ pk: 'COUNTER', sk: name }),

  org: (orgId: number): Key => ({ pk: `ORG#${orgId}`, sk: 'ORG' }),
  orgName: (name: string): Key => ({ pk: `ORGNAME#${name.trim().toLowerCase()}`, sk: 'ORGNAME' }),
  policy: (orgId: number): Key => ({ pk: `ORG#${orgId}`, sk: 'POLICY' }),
  /** One shard of an org's audit trail (0 <= shard < AUDIT_SHARDS). */
  auditShard: (orgId: number, shard: number) => `ORG#${orgId}#AUDIT#${shard}`,
  /** Every partition of an org's audit trail. */
  auditShards: (orgId: number) => Array.from({ length: AUDIT_SHARDS }, (_, shard) => keys.auditShard(orgId, shard)),
  /** The events of no org (signing-key rotation): rare, one partition. */
  platformAuditPartition: 'PLATFORM',
  auditPrefix: 'AUDIT#',
  audit: (orgId: number | 'platform', at: string, id: string): Key => ({
    pk: orgId === 'platform' ? keys.platformAuditPartition : keys.auditShard(orgId, auditShardOf(id)),
    sk: `AUDIT#${at}#${id}`,
  }),

  email: (email: string): Key => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),

  userPartition: (userId: number) => `USER#${userId}`,
  user: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  orgUsersIndex: (orgId: number, userId: number) => ({ gsi1pk: `ORG#${orgId}#USERS`, gsi1sk: `USER#${pad(userId)}` }),
  orgUsersPartition: (orgId: number) => `ORG#${orgId}#USERS`,
  session: (userId: number, sid: string): Key => ({ pk: `USER#${userId}`, sk: `SESSION#${sid}` }),
  sessionPrefix: 'SESSION#',
  /**
   * A pending login token is spent once an item exists under its jti in the session range: the
   * session the login started (its id is the jti: writing it spends the token, no marker item), or,
   * where the token ends without a session (a password reset), an ended-session marker.
   */
  spentPendingToken: (userId: number, jti: string): Key => keys.session(userId, jti),
  /** A user's one outstanding link of a kind (a new one replaces it); read with the account. */
  link: (userId: number, purpose: 'invitation' | 'reset'): Key => ({ pk: `USER#${userId}`, sk: `LINK#${purpose}` }),
  /** A password reset waiting for the second factor (the new password's hash); read with the account. */
  pendingReset: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'RESET#PENDING' }),
  /** A requested email change waiting for its link to be followed (one at a time: a new one replaces it). */
  emailChange: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'LINK#email-change' }),
  /** A remembered device; sorts after sessions, outside the account Query (a login reads it by id). */
  device: (userId: number, deviceId: string): Key => ({ pk: `USER#${userId}`, sk: `TRUSTED_DEVICE#${deviceId}` }),
  devicePrefix: 'TRUSTED_DEVICE#',
  /** When the user's devices were last remembered and last revoked all at once; read with the account. */
  devicesState: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'DEVICES' }),
  mfaState: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'MFA' }),
  factor: (userId: number, kind: string): Key => ({ pk: `USER#${userId}`, sk: `FACTOR#${kind}` }),
  factorPrefix: 'FACTOR#',
  /** A WebAuthn ceremony's pending challenge (one per ceremony: new options replace it). */
  challenge: (userId: number, ceremony: 'registration' | 'authentication'): Key => ({
    pk: `USER#${userId}`,
    sk: `CHALLENGE#${ceremony}`,
  }),
  /**
   * A passkey sign-in's pending challenge. Discoverable: no user is named when it is issued, so it is
   * keyed by itself (random, 256 bits), each in its own partition.
   */
  passkeyChallenge: (challenge: string): Key => ({ pk: `PASSKEY_CHALLENGE#${challenge}`, sk: 'CHALLENGE' }),
  /**
   * Who holds an imported passkey. Its authenticator returns the user handle of the deployment that
   * registered it, not one of ours, so a passkey sign-in finds the user by the credential instead.
   * Keyed by a digest of the credential id (up to 1023 bytes), each in its own partition.
   */
  importedPasskey: (credentialId: string): Key => ({ pk: `IMPORTED_PASSKEY#${createHash('sha256').update(credentialId).digest('base64url')}`, sk: 'OWNER' }),
  /** The SMS code last sent (one at a time: a new send replaces it). */
  smsCode: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'CODE#SMS' }),
  /** The email code last sent (one at a time: a new send replaces it). */
  emailCode: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'CODE#EMAIL' }),

  signingKeysPartition: 'SIGNING_KEYS',
  signingKey: (seq: number): Key => ({ pk: 'SIGNING_KEYS', sk: `KEY#${pad(seq)}` }),
  dataKey: (): Key => ({ pk: 'CONFIG', sk: 'DATA_KEY' }),

  /** A security notice sent for an audit event (one per event, also when its delivery repeats). */
  noticePartitionPrefix: 'NOTICE#',
  notice: (eventId: string): Key => ({ pk: `NOTICE#${eventId}`, sk: 'NOTICE' }),

  rate: (scope: string, subject: string, windowStart: number): Key => ({
    pk: `RATE#${scope}#${subject}`,
    sk: String(windowStart),
  }),
  rateLast: (scope: string, subject: string): Key => ({ pk: `RATE#${scope}#${subject}`, sk: 'LAST' }),
} as const;

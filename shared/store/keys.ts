/**
 * The one place that builds table keys. Prefixes say what an item is.
 *
 * Access patterns (which request reads what):
 * | pattern                                  | key                                              |
 * |------------------------------------------|--------------------------------------------------|
 * | next org / user id                       | pk=COUNTER sk=<name>                              |
 * | org by id; its 2FA policy; audit events  | pk=ORG#<id> sk=ORG / POLICY / AUDIT#<time>#<id>   |
 * | platform audit events (signing keys)     | pk=PLATFORM sk=AUDIT#<time>#<id>                  |
 * | org id by name (bootstrap)               | pk=ORGNAME#<name> sk=ORGNAME                      |
 * | user id by email (login)                 | pk=EMAIL#<email> sk=EMAIL                         |
 * | everything to verify a 2nd factor: Query | pk=USER#<id> sk<SESSION# (PROFILE, MFA, FACTOR#…,   |
 * |                                          |   CODE#SMS, CHALLENGE#…); sessions sort after      |
 * | a spent pending login token (by its jti) | pk=USER#<id> sk=USED_PENDING#<jti> (after sessions)|
 * | an org's users, by id (GSI)              | gsi1pk=ORG#<id>#USERS gsi1sk=USER#<padded id>     |
 * | signing keys, newest first               | pk=SIGNING_KEYS sk=KEY#<padded seq>               |
 * | fixed-window rate counters               | pk=RATE#<scope>#<subject> sk=<window start>       |
 * | minimum interval: the last event's time  | pk=RATE#<scope>#<subject> sk=LAST                 |
 */
export interface Key {
  pk: string;
  sk: string;
}

const pad = (n: number) => String(n).padStart(12, '0');

export const keys = {
  counter: (name: 'org' | 'user'): Key => ({ pk: 'COUNTER', sk: name }),

  org: (orgId: number): Key => ({ pk: `ORG#${orgId}`, sk: 'ORG' }),
  orgName: (name: string): Key => ({ pk: `ORGNAME#${name.trim().toLowerCase()}`, sk: 'ORGNAME' }),
  policy: (orgId: number): Key => ({ pk: `ORG#${orgId}`, sk: 'POLICY' }),
  /** An org's audit events; `platform`: events of no org (signing-key rotation). */
  auditPartition: (orgId: number | 'platform') => (orgId === 'platform' ? 'PLATFORM' : `ORG#${orgId}`),
  auditPrefix: 'AUDIT#',
  audit: (orgId: number | 'platform', at: string, id: string): Key => ({ pk: keys.auditPartition(orgId), sk: `AUDIT#${at}#${id}` }),

  email: (email: string): Key => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),

  userPartition: (userId: number) => `USER#${userId}`,
  user: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  orgUsersIndex: (orgId: number, userId: number) => ({ gsi1pk: `ORG#${orgId}#USERS`, gsi1sk: `USER#${pad(userId)}` }),
  orgUsersPartition: (orgId: number) => `ORG#${orgId}#USERS`,
  session: (userId: number, sid: string): Key => ({ pk: `USER#${userId}`, sk: `SESSION#${sid}` }),
  sessionPrefix: 'SESSION#',
  /** Marks a pending login token as spent; sorts after sessions, outside the account Query. */
  spentPendingToken: (userId: number, jti: string): Key => ({ pk: `USER#${userId}`, sk: `USED_PENDING#${jti}` }),
  mfaState: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'MFA' }),
  factor: (userId: number, kind: string): Key => ({ pk: `USER#${userId}`, sk: `FACTOR#${kind}` }),
  factorPrefix: 'FACTOR#',
  /** A WebAuthn ceremony's pending challenge (one per ceremony: new options replace it). */
  challenge: (userId: number, ceremony: 'registration' | 'authentication'): Key => ({
    pk: `USER#${userId}`,
    sk: `CHALLENGE#${ceremony}`,
  }),
  /** The SMS code last sent (one at a time: a new send replaces it). */
  smsCode: (userId: number): Key => ({ pk: `USER#${userId}`, sk: 'CODE#SMS' }),

  signingKeysPartition: 'SIGNING_KEYS',
  signingKey: (seq: number): Key => ({ pk: 'SIGNING_KEYS', sk: `KEY#${pad(seq)}` }),
  dataKey: (): Key => ({ pk: 'CONFIG', sk: 'DATA_KEY' }),

  rate: (scope: string, subject: string, windowStart: number): Key => ({
    pk: `RATE#${scope}#${subject}`,
    sk: String(windowStart),
  }),
  rateLast: (scope: string, subject: string): Key => ({ pk: `RATE#${scope}#${subject}`, sk: 'LAST' }),
} as const;

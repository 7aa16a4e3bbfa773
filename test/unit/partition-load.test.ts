/**
 * Keys that scale: an hour at the peak of a 1,000,000-user org (2,000 2FA logins a second), played
 * second by second through the real key builders (store/keys.ts) and, for the audit events, the real
 * item builder, counting each partition's write and read units per second as DynamoDB bills them.
 * Every partition must stay under half its limits (1,000 WCU/s, 3,000 RCU/s) in its busiest second.
 *
 * Units (DynamoDB's rules): a write costs 1 WCU per started KB of the item, twice that inside a
 * transaction (a ConditionCheck costs as a write); a read 1 RCU per started 4 KB when strongly
 * consistent, half of that when eventually consistent; a Query rounds the items it reads together.
 * An index write costs the index partition 1 WCU per started KB of the projected item.
 */
import { randomUUID } from 'node:crypto';
import { auditItem, type AuditInput } from '../../shared/audit/events';
import { keys } from '../../shared/store/keys';

// Math's functions held locally: jest runs a test in a vm context, where each global lookup is slow.
const { imul, floor, ceil, max } = Math;

// The load (per second, at the peak).
const USERS = 1_000_000;
const TWO_FACTOR_LOGINS = 2_000;
const MIX = { totp: 0.55, sms: 0.25, webauthn: 0.17, recovery: 0.03 } as const;
const PASSWORD_ONLY_LOGINS = 500; // users without a factor, 2FA not forced
const FAILED_PASSWORDS = 50;
const FAILED_SECOND_FACTORS = 20;
const REFRESHES = 1_000; // 15-minute access tokens of about 900,000 active sessions
const LOGOUTS = 100;
const ENROLMENTS = 5; // a factor verified: the profile's `enrolled` changes, so the index is written
const SMS_ENROLMENT_SENDS = 1; // these count against the org's hourly SMS budget
const NEW_USERS = 2;
/** Where logins come from: 30% through a corporate NAT of 64 addresses, the rest from anywhere. */
const NAT_SHARE = 0.3;
const NAT_ADDRESSES = 64;
/** Warm Lambda containers (requests/s x seconds per request): each reads the policy every 5 s, signing keys every 300 s. */
const CONTAINERS = ceil((TWO_FACTOR_LOGINS + PASSWORD_ONLY_LOGINS + FAILED_PASSWORDS) * 0.15 + TWO_FACTOR_LOGINS * 0.03 + 600 * 0.05);
const HOUR = 3_600;
const LIMITS = { wcu: 1_000, rcu: 3_000 };

const ORG = 4_242;
const START = Date.parse('2026-11-30T08:00:00.000Z');

// Item sizes (bytes, DynamoDB's measure: attribute names plus values).
function sizeOf(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return ceil(String(value).replace(/^-|\./g, '').length / 2) + 1;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + sizeOf(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + sizeOf(v), 0);
  return 3 + Object.entries(value as object).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + 1 + sizeOf(v), 0);
}
const itemSize = (item: Record<string, unknown>) => Object.entries(item).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + sizeOf(v), 0);

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
const principal = { userId: 987_654, orgId: ORG, role: 'member' };
const actor = { principal, sourceIp: '203.0.113.254', userAgent: UA };
/** The real audit item of each event a login writes, at its realistic size. */
const auditSize = (input: Omit<AuditInput, 'orgId' | 'actor'>) => itemSize(auditItem({ orgId: ORG, actor, targetUserId: principal.userId, policySequence: 12, ...input }));
const hash = 'x'.repeat(43); // a keyed hash, base64url
const iso = new Date(START).toISOString();
const profile = {
  ...keys.user(1), ...keys.orgUsersIndex(ORG, 1), userId: 987_654, orgId: ORG, email: 'firstname.lastname@example.com', role: 'member', createdAt: iso,
  passwordHash: 'scrypt$'.padEnd(140, 'x'), enrolled: new Set(['totp', 'webauthn', 'recovery']), preferredMethod: 'totp',
};
const sizes = {
  audit: {
    twoFactor: auditSize({ action: 'login.two_factor', details: { method: 'webauthn', credentialId: 'A'.repeat(43), sid: randomUUID() } }),
    password: auditSize({ action: 'login.password' }),
    smsSent: auditSize({ action: 'sms.code_sent', details: { purpose: 'login', country: '45' } }),
    recoveryUsed: auditSize({ action: 'recovery.used', details: { remaining: 7 } }),
    sessionEnded: auditSize({ action: 'session.ended', details: { sid: randomUUID() } }),
    factor: auditSize({ action: 'factor.verified', details: { method: 'totp' } }),
    userCreated: auditSize({ action: 'user.created', details: { role: 'member' } }),
  },
  session: itemSize({
    ...keys.session(principal.userId, randomUUID()), sid: randomUUID(), userId: 987_654, orgId: ORG, role: 'member', aal: 2, amr: ['pwd', 'otp'],
    authTime: 1_790_000_000, tokenHash: hash, usedHashes: new Set([hash, hash + '1', hash + '2']), parentHash: hash, rotatedAt: iso,
    createdAt: iso, absoluteExpiresAt: 1_790_000_000, expiresAt: 1_790_000_000,
  }),
  /** The Query that loads an account: profile, lockout state and every factor of a well-enrolled user. */
  account: [
    profile,
    { ...keys.mfaState(1), failures: 0, lastTotpStep: 59_666_666 },
    { ...keys.factor(1, 'TOTP'), kind: 'totp', verified: true, createdAt: iso, sealedSecret: 'v1.'.padEnd(120, 'x') },
    { ...keys.factor(1, 'WEBAUTHN#' + 'A'.repeat(43)), kind: 'webauthn', verified: true, createdAt: iso, credentialId: 'A'.repeat(43), publicKey: 'p'.repeat(120), counter: 1_234, transports: ['usb', 'nfc'], name: 'Desk key', lastUsedAt: iso },
    { ...keys.factor(1, 'RECOVERY'), kind: 'recovery', verified: true, createdAt: iso, hashes: new Set(Array.from({ length: 10 }, (_, i) => hash + i)) },
  ].reduce((sum, item) => sum + itemSize(item), 0),
  profile: itemSize(profile),
  mfa: itemSize({ ...keys.mfaState(1), failures: 0, lastTotpStep: 59_666_666, lockedUntil: 1_790_000_000 }),
  factor: itemSize({ ...keys.factor(1, 'WEBAUTHN#' + 'A'.repeat(43)), kind: 'webauthn', verified: true, createdAt: iso, credentialId: 'A'.repeat(43), publicKey: 'p'.repeat(120), counter: 1_234, transports: ['usb', 'nfc'], name: 'Desk key', lastUsedAt: iso }),
  smsCode: itemSize({ ...keys.smsCode(1), codeHash: hash, attempts: 0, expiresAt: 1_790_000_000, sentAt: iso }),
  challenge: itemSize({ ...keys.challenge(1, 'authentication'), challenge: 'c'.repeat(43), expiresAt: 1_790_000_000 }),
  /** The guard's check that a pending token is unspent reads its place (the session key under the jti): a ConditionCheck's units. */
  spentToken: itemSize({ ...keys.spentPendingToken(1, randomUUID()), sid: randomUUID(), revokedAt: iso, expiresAt: 1_790_000_000 }),
  rate: itemSize({ ...keys.rate('login-fail-account', 'firstname.lastname@example.com', 1_790_000_000), count: 3, expiresAt: 1_790_000_000 }),
  email: itemSize({ ...keys.email('firstname.lastname@example.com'), userId: 987_654 }),
  policy: itemSize({ ...keys.policy(ORG), orgId: ORG, methods: ['totp', 'webauthn', 'sms'], forced: true, forcedAt: iso, sequence: 12, createdAt: iso, changedAt: iso, gracePeriodSeconds: 604_800, checkLifetimeSeconds: 900, smsCountryCodes: ['45', '46', '47'] }),
  org: itemSize({ ...keys.org(ORG), orgId: ORG, name: 'A very large customer', createdAt: iso }),
  signingKeys: 4 * itemSize({ ...keys.signingKey(1), kid: 'k'.repeat(22), sealedPrivateKey: 'v1.'.padEnd(200, 'x'), publicJwk: { kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43), kid: 'k'.repeat(22), alg: 'ES256', use: 'sig' }, createdAt: iso }),
  counter: itemSize({ ...keys.counter('user'), value: 1_234_567 }),
  /** The profile as index gsi1 holds it: its keys and the attributes it projects. */
  indexEntry: itemSize({ ...keys.user(1), ...keys.orgUsersIndex(ORG, 1), userId: 987_654, email: 'firstname.lastname@example.com', role: 'member', enrolled: new Set(['totp', 'webauthn', 'recovery']) }),
};

const writeUnits = (bytes: number, transactional: boolean) => ceil(bytes / 1024) * (transactional ? 2 : 1);
const readUnits = (bytes: number, consistent: boolean) => max(1, ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** One second's units per partition key. */
class Second {
  events = 0;
  readonly wcu = new Map<string, number>();
  readonly rcu = new Map<string, number>();
  write(pk: string, bytes: number, transactional: boolean) {
    this.wcu.set(pk, (this.wcu.get(pk) ?? 0) + writeUnits(bytes, transactional));
  }
  read(pk: string, bytes: number, consistent: boolean) {
    this.rcu.set(pk, (this.rcu.get(pk) ?? 0) + readUnits(bytes, consistent));
  }
  /** A transaction: each item costs twice. */
  transact(items: Array<[pk: string, bytes: number]>) {
    // A ConditionCheck or write inside a transaction: twice the units.
    for (const [pk, bytes] of items) this.write(pk, bytes, true);
  }
}

// A seeded generator: the same hour every run.
let seed = 0x2fa;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
/** An event id as randomUUID makes them (the shard comes from its first 8 hex digits), from the seeded generator. */
let events = 0;
const eventId = () => `${floor(random() * 0x100000000).toString(16).padStart(8, '0')}-${(events++ % 0x10000).toString(16).padStart(4, '0')}-4000-8000-000000000000`;
const anyUser = () => 1 + floor(random() * USERS);
const emailOf = (userId: number) => `user${userId}@customer.example`;
const windowStart = (t: number, seconds: number) => t - (t % seconds);

type Write = [pk: string, bytes: number];
const NONE: Write[] = [];

/**
 * Every request of one second at the peak, as the partitions see it. The shared partitions (the
 * audit shards, the org's, the counters, the index, NAT addresses' rate counters, signing keys) are
 * counted every second. A user's own partitions (USER#, EMAIL#, its rate counters) carry that user's
 * requests only, the same load in any second: they are counted in one second of each minute
 * (`everyKey`), which keeps the hour quick to play.
 */
function playSecond(s: number, second: Second, everyKey: boolean) {
  const t = START / 1000 + s;
  const at = new Date(START + s * 1000).toISOString();
  /** A user's own items (built by `writes`): only in the seconds that count every key. */
  const own = (writes: () => Write[]): Write[] => (everyKey ? writes() : NONE);
  const audit = (bytes: number): Write => {
    second.events++;
    return [keys.audit(ORG, at, eventId()).pk, bytes];
  };
  const address = () =>
    random() < NAT_SHARE
      ? `198.51.100.${floor(random() * NAT_ADDRESSES)}`
      : everyKey
        ? `${floor(random() * 223) + 1}.${floor(random() * 256)}.${floor(random() * 256)}.${floor(random() * 256)}`
        : undefined;
  const ipCounter = (ip: string) => keys.rate('login-fail-ip', ip, windowStart(t, 900)).pk;
  /** POST /api/auth/login: both failure counters (one BatchGetItem), the email, the account. */
  const passwordLogin = (userId: number, ip: string | undefined) => {
    if (ip) second.read(ipCounter(ip), sizes.rate, false);
    if (!everyKey) return;
    second.read(keys.rate('login-fail-account', emailOf(userId), windowStart(t, 900)).pk, sizes.rate, false);
    second.read(keys.email(emailOf(userId)).pk, sizes.email, false);
    second.read(keys.userPartition(userId), sizes.account, true);
  };
  const readAccount = (userId: number) => everyKey && second.read(keys.userPartition(userId), sizes.account, true);
  const smsUserLimits = (userId: number): Write[] =>
    own(() => [
      [keys.rateLast('sms-user-interval', String(userId)).pk, sizes.rate],
      [keys.rate('sms-user-hour', String(userId), windowStart(t, 3600)).pk, sizes.rate],
      [keys.rate('sms-user-day', String(userId), windowStart(t, 86400)).pk, sizes.rate],
    ]);

  for (let i = 0; i < TWO_FACTOR_LOGINS; i++) {
    const userId = anyUser();
    passwordLogin(userId, address());
    const r = random();
    const method = r < MIX.totp ? 'totp' : r < MIX.totp + MIX.sms ? 'sms' : r < MIX.totp + MIX.sms + MIX.webauthn ? 'webauthn' : 'recovery';
    if (method === 'sms') {
      // POST /api/two-factor/send-verification: the per-user limits in one transaction, then the code and its event.
      readAccount(userId);
      second.transact(smsUserLimits(userId));
      second.transact([
        ...own(() => [
          [keys.smsCode(userId).pk, sizes.smsCode],
          [keys.spentPendingToken(userId, 'jti').pk, sizes.spentToken],
        ]),
        audit(sizes.audit.smsSent),
      ]);
    }
    if (method === 'webauthn') {
      readAccount(userId);
      second.transact(
        own(() => [
          [keys.challenge(userId, 'authentication').pk, sizes.challenge],
          [keys.spentPendingToken(userId, 'jti').pk, sizes.spentToken],
        ]),
      );
    }
    // POST /2fa/authenticate: the account, then one transaction (the race gate, the factor's own
    // write, the session (its id the pending token's jti: it spends the token), the events).
    readAccount(userId);
    second.transact([
      ...own(() => [
        [keys.mfaState(userId).pk, sizes.mfa],
        ...(method === 'sms' ? [[keys.smsCode(userId).pk, sizes.smsCode] as Write] : NONE),
        ...(method === 'webauthn' || method === 'recovery' ? [[keys.factor(userId, method).pk, sizes.factor] as Write] : NONE),
        [keys.session(userId, 'jti').pk, sizes.session],
      ]),
      audit(sizes.audit.twoFactor),
      ...(method === 'recovery' ? [audit(sizes.audit.recoveryUsed)] : []),
    ]);
  }
  for (let i = 0; i < PASSWORD_ONLY_LOGINS; i++) {
    const userId = anyUser();
    passwordLogin(userId, address());
    second.transact([...own(() => [[keys.session(userId, 'sid').pk, sizes.session]]), audit(sizes.audit.password)]);
  }
  for (let i = 0; i < FAILED_PASSWORDS; i++) {
    const userId = anyUser();
    const ip = address();
    passwordLogin(userId, ip);
    // record(): both failure counters, plain updates.
    if (ip) second.write(ipCounter(ip), sizes.rate, false);
    if (everyKey) second.write(keys.rate('login-fail-account', emailOf(userId), windowStart(t, 900)).pk, sizes.rate, false);
  }
  for (let i = 0; i < FAILED_SECOND_FACTORS; i++) {
    const userId = anyUser();
    readAccount(userId);
    second.transact(own(() => [[keys.mfaState(userId).pk, sizes.mfa]]));
  }
  if (everyKey) for (let i = 0; i < REFRESHES; i++) second.write(keys.session(anyUser(), 'sid').pk, sizes.session, false);
  for (let i = 0; i < LOGOUTS; i++) {
    const userId = anyUser();
    second.transact([...own(() => [[keys.session(userId, 'sid').pk, sizes.session]]), audit(sizes.audit.sessionEnded)]);
  }
  for (let i = 0; i < SMS_ENROLMENT_SENDS; i++) {
    const userId = anyUser();
    readAccount(userId);
    second.transact([
      ...smsUserLimits(userId),
      ...own(() => [
        [keys.rate('sms-enrol-phone-10min', `phone-${userId}`, windowStart(t, 600)).pk, sizes.rate],
        [keys.rate('sms-enrol-phone-day', `phone-${userId}`, windowStart(t, 86400)).pk, sizes.rate],
      ]),
      [keys.rate('sms-enrol-org-hour', String(ORG), windowStart(t, 3600)).pk, sizes.rate],
    ]);
    second.transact([...own(() => [[keys.smsCode(userId).pk, sizes.smsCode]]), audit(sizes.audit.smsSent)]);
  }
  for (let i = 0; i < ENROLMENTS; i++) {
    const userId = anyUser();
    readAccount(userId);
    second.transact([
      ...own(() => [
        [keys.factor(userId, 'TOTP').pk, sizes.factor],
        [keys.user(userId).pk, sizes.profile],
      ]),
      audit(sizes.audit.factor),
    ]);
    second.write(`gsi1 ${keys.orgUsersIndex(ORG, userId).gsi1pk}`, sizes.indexEntry, false);
  }
  for (let i = 0; i < NEW_USERS; i++) {
    const userId = USERS + s * NEW_USERS + i;
    second.write(keys.counter('user').pk, sizes.counter, false);
    second.transact([
      [keys.org(ORG).pk, sizes.org],
      ...own(() => [
        [keys.email(emailOf(userId)).pk, sizes.email],
        [keys.user(userId).pk, sizes.profile],
      ]),
      audit(sizes.audit.userCreated),
    ]);
    second.write(`gsi1 ${keys.orgUsersIndex(ORG, userId).gsi1pk}`, sizes.indexEntry, false);
  }
  // Warm containers refresh their caches: the policy every 5 s, the signing keys every 300 s.
  for (let i = 0; i < Math.round(CONTAINERS / 5); i++) second.read(keys.policy(ORG).pk, sizes.policy, false);
  for (let i = 0; i < ceil(CONTAINERS / 300); i++) second.read(keys.signingKeysPartition, sizes.signingKeys, false);
  // An admin pages the trail (every shard) and the enrolment report now and then.
  if (s % 10 === 0) for (const pk of keys.auditShards(ORG)) second.read(pk, 25 * sizes.audit.twoFactor, false);
  if (s % 10 === 5) second.read(`gsi1 ${keys.orgUsersPartition(ORG)}`, 25 * sizes.indexEntry, false);
}

/** The partition a key names, its ids replaced: the rows of the report. */
const kinds = new Map<string, string>();
function kindOf(pk: string): string {
  // The per-user keys (most of them) the quick way; the shared ones once each.
  if (pk.startsWith('USER#')) return 'USER#<id>';
  if (pk.startsWith('EMAIL#')) return 'EMAIL#<email>';
  if (pk.startsWith('RATE#')) return `${pk.slice(0, pk.indexOf('#', 5))}#<subject>`;
  let kind = kinds.get(pk);
  if (kind === undefined) {
    kind = pk
      .replace(/^ORG#\d+#AUDIT#\d+$/, 'ORG#<id>#AUDIT#<shard>')
      .replace(/#\d+/g, '#<id>')
      .replace(/^gsi1 (.*)$/, '$1 (index gsi1)');
    kinds.set(pk, kind);
  }
  return kind;
}

interface Peak {
  pk: string;
  units: number;
  second: number;
}

function playHour() {
  const peaks = new Map<string, { wcu: Peak; rcu: Peak }>();
  const note = (kind: 'wcu' | 'rcu', units: Map<string, number>, s: number) => {
    for (const [pk, value] of units) {
      const k = kindOf(pk);
      const row = peaks.get(k) ?? { wcu: { pk, units: 0, second: 0 }, rcu: { pk, units: 0, second: 0 } };
      if (value > row[kind].units) row[kind] = { pk, units: value, second: s };
      peaks.set(k, row);
    }
  };
  let events = 0;
  for (let s = 0; s < HOUR; s++) {
    const second = new Second();
    playSecond(s, second, s % 60 === 0);
    note('wcu', second.wcu, s);
    note('rcu', second.rcu, s);
    events += second.events;
  }
  return { peaks, eventsPerSecond: events / HOUR };
}

it('an hour at the peak of a 1,000,000-user org keeps every partition under half its limits', () => {
  const { peaks, eventsPerSecond } = playHour();
  const rows = [...peaks].sort(([, a], [, b]) => max(b.wcu.units / LIMITS.wcu, b.rcu.units / LIMITS.rcu) - max(a.wcu.units / LIMITS.wcu, a.rcu.units / LIMITS.rcu));
  const pct = (units: number, limit: number) => `${((100 * units) / limit).toFixed(1)}%`.padStart(6);
  console.log(
    [
      `Busiest second of each kind of partition over an hour (${TWO_FACTOR_LOGINS} 2FA logins/s, ${USERS.toLocaleString('en')} users, ~${Math.round(eventsPerSecond)} audit events/s):`,
      `${'partition'.padEnd(36)} ${'WCU/s'.padStart(7)} ${'of 1000'.padStart(7)} ${'RCU/s'.padStart(7)} ${'of 3000'.padStart(7)}`,
      ...rows.map(
        ([kind, { wcu, rcu }]) =>
          `${kind.padEnd(36)} ${String(wcu.units).padStart(7)} ${pct(wcu.units, LIMITS.wcu)} ${String(rcu.units).padStart(7)} ${pct(rcu.units, LIMITS.rcu)}`,
      ),
    ].join('\n'),
  );
  const hottestWrite = max(...rows.map(([, r]) => r.wcu.units));
  const hottestRead = max(...rows.map(([, r]) => r.rcu.units));
  expect(hottestWrite).toBeLessThan(LIMITS.wcu / 2);
  expect(hottestRead).toBeLessThan(LIMITS.rcu / 2);
  // The audit trail is the load that needed sharding: it is spread, not in the org's partition.
  expect(peaks.get('ORG#<id>#AUDIT#<shard>')!.wcu.units).toBeGreaterThan(0);
  expect(peaks.get('ORG#<id>')!.wcu.units).toBeLessThan(50);
}, 300_000);

/**
 * The invariant check over a whole table: what "nothing half-done" means, checkably. It reads every
 * item (Scan) and answers the violations, each a sentence naming the item; empty when consistent.
 * Works on any table of this service (the fault tests' own, or a deployed one:
 * `checkInvariants(db(), 'twofactor-prod')` with the deployment's credentials in the environment).
 *
 * - every email item has its user, and every user its email item (created in one transaction);
 * - every session belongs to an existing user;
 * - no factor is verified without its secret (TOTP seed, phone number, public key, code hashes);
 * - a user's profile lists as enrolled exactly the kinds of its verified factors;
 * - the policy and its trail agree: the policy.* events of an org carry the sequences 1..N of its
 *   policy item, each once (no change without its event, no event without its change);
 * - every verified TOTP, SMS or key factor has a factor.verified (or factor.enrolled) event of its
 *   user, every user a user.created event;
 * - no rate counter is negative, and none of a refusing limit is above its maximum.
 */
import type { DynamoDb } from '../../shared/store/client';
import { ScanCommand } from '../../shared/store/commands';

type Item = Record<string, any>;

/** The refusing limits' maxima by scope (shared/factors/sms/enrolment.ts), from the configuration. */
export function limitMaxima(env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const n = (name: string, fallback: number) => Number(env[name] ?? fallback);
  return {
    'sms-user-hour': n('SMS_MAX_PER_USER_HOURLY', 5),
    'sms-user-day': n('SMS_MAX_PER_USER_DAILY', 10),
    'sms-enrol-phone-10min': n('SMS_MAX_PER_PHONE_10MIN', 5),
    'sms-enrol-phone-day': n('SMS_MAX_PER_PHONE_DAILY', 10),
    'sms-enrol-org-hour': n('SMS_MAX_PER_ORG_HOURLY', 200),
  };
}

export async function scanAll(client: DynamoDb, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const secretOf: Record<string, (f: Item) => unknown> = {
  totp: (f) => f.sealedSecret,
  sms: (f) => f.sealedPhone ?? f.e164,
  webauthn: (f) => f.publicKey,
  recovery: (f) => (f.hashes?.length ?? f.hashes?.size) || undefined,
};

export async function checkInvariants(client: DynamoDb, tableName: string, maxima = limitMaxima()): Promise<string[]> {
  const items = await scanAll(client, tableName);
  const problems: string[] = [];
  const profiles = new Map<string, Item>();
  const emails = new Map<string, Item>();
  const factorsOf = new Map<string, Item[]>();
  const policies = new Map<string, Item>();
  const events: Item[] = [];
  for (const item of items) {
    const { pk, sk } = item as { pk: string; sk: string };
    if (pk.startsWith('USER#') && sk === 'PROFILE') profiles.set(pk, item);
    else if (pk.startsWith('EMAIL#')) emails.set(pk, item);
    else if (pk.startsWith('USER#') && sk.startsWith('FACTOR#')) factorsOf.set(pk, [...(factorsOf.get(pk) ?? []), item]);
    else if (sk === 'POLICY') policies.set(pk, item);
    else if (sk.startsWith('AUDIT#')) events.push(item);
  }

  for (const [pk, email] of emails) {
    const profile = profiles.get(`USER#${email.userId}`);
    if (!profile) problems.push(`${pk}: its user ${email.userId} does not exist`);
  }
  const emailUsers = new Set([...emails.values()].map((e) => `USER#${e.userId}`));
  for (const [pk, profile] of profiles) {
    if (!emailUsers.has(pk)) problems.push(`${pk}: no email item names this user (${profile.email})`);
  }
  for (const item of items) {
    if (item.pk.startsWith('USER#') && item.sk.startsWith('SESSION#') && !profiles.has(item.pk)) problems.push(`${item.pk} ${item.sk}: session of a user that does not exist`);
  }

  const eventsOf = (predicate: (e: Item) => boolean) => events.filter(predicate);
  for (const [pk, factors] of factorsOf) {
    if (!profiles.has(pk)) problems.push(`${pk}: factors of a user that does not exist`);
    const verifiedKinds = new Set<string>();
    for (const f of factors) {
      if (!f.verified) continue;
      verifiedKinds.add(f.kind);
      if (!secretOf[f.kind]?.(f)) problems.push(`${pk} ${f.sk}: verified without its secret`);
    }
    const enrolled = new Set<string>([...((profiles.get(pk)?.enrolled as Set<string> | undefined) ?? [])]);
    const a = [...verifiedKinds].sort().join(',');
    const b = [...enrolled].sort().join(',');
    if (profiles.has(pk) && a !== b) problems.push(`${pk}: profile lists enrolled [${b}] but the verified factors are [${a}]`);
  }

  const userIdOf = (pk: string) => Number(pk.slice('USER#'.length));
  const aboutUser = (userId: number) => (e: Item) => e.targetUserId === userId || (e.targetUserId === undefined && e.actorId === userId);
  for (const [pk] of profiles) {
    const userId = userIdOf(pk);
    const mine = eventsOf(aboutUser(userId));
    if (!mine.some((e) => e.action === 'user.created')) problems.push(`${pk}: no user.created event`);
    for (const f of factorsOf.get(pk) ?? []) {
      if (!f.verified || f.kind === 'recovery') continue;
      if (!mine.some((e) => e.action === 'factor.verified' || e.action === 'factor.enrolled')) problems.push(`${pk} ${f.sk}: verified, but no factor event of the user`);
    }
  }

  for (const [pk, policy] of policies) {
    const orgId = Number(pk.slice('ORG#'.length));
    const sequences = eventsOf((e) => e.orgId === orgId && String(e.action).startsWith('policy.')).map((e) => e.policySequence as number);
    const expected = Array.from({ length: policy.sequence ?? 0 }, (_, i) => i + 1);
    const seen = [...sequences].sort((x, y) => x - y);
    if (seen.join(',') !== expected.join(',')) problems.push(`${pk}: policy sequence ${policy.sequence}, but its policy events carry [${seen.join(',')}]`);
  }

  for (const item of items) {
    if (!item.pk.startsWith('RATE#') || item.count === undefined) continue;
    const scope = item.pk.split('#')[1] as string;
    if (item.count < 0) problems.push(`${item.pk} ${item.sk}: negative count ${item.count}`);
    if (maxima[scope] !== undefined && item.count > maxima[scope]) problems.push(`${item.pk} ${item.sk}: count ${item.count} above the limit ${maxima[scope]}`);
  }
  return problems;
}

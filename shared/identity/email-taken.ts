/**
 * Email addresses are one namespace across orgs: signing in takes an address alone. So "a user with
 * this email already exists" tells an admin that the address has an account somewhere. In their own
 * org that is theirs to know (they list their users); held by another org's user, it is a
 * cross-tenant leak, and an import's dry run could ask it of 25 addresses a request. Such answers are
 * counted per org, EMAIL_TAKEN_MAX_PER_ORG an hour: room for typos and real overlaps, too few to
 * enumerate with. Once they are used up, every request that could tell (creating, inviting or
 * importing users, changing an email) is refused with 429 until the hour ends, whatever its
 * address: refusing only the taken ones would tell as much.
 */
import { config } from '../config';
import { Conflict, ErrorCode } from '../errors';
import { assertUnderLimits, consume, limitReached, underLimit, type Limit } from '../ratelimit/limits';
import type { TransactItem } from '../store/transact';
import { userStore } from './user-store';

const WINDOW_SECONDS = 3600;
const MESSAGE = 'Too many addresses this organisation added this hour belong to users of other organisations; retry later';

const limitOf = (orgId: number): Limit => ({
  scope: 'email-taken-elsewhere',
  subject: String(orgId),
  max: config().EMAIL_TAKEN_MAX_PER_ORG,
  windowSeconds: WINDOW_SECONDS,
});

/** 429 once the org's answers for this hour are used up (one read). */
export const assertMayAddEmails = (orgId: number, at: Date): Promise<void> => assertUnderLimits([limitOf(orgId)], at, MESSAGE);

/** The same, as an item of the transaction that adds the address; its refusal is `addingRefused`. */
export const mayAddEmails = (orgId: number, at: Date): TransactItem => underLimit(limitOf(orgId), at);
export const addingRefused = (orgId: number, at: Date) => limitReached(limitOf(orgId), at, MESSAGE);

/** Counts one answer that an address is held by another org's user: 429 once the org's are used up. */
export const countTakenElsewhere = (orgId: number, at: Date): Promise<void> => consume([limitOf(orgId)], at, MESSAGE);

/**
 * The answer for an address that has an account (its holder's id, when known): a 409, counted
 * against the org (429 once its answers are used up) unless the holder is in the org.
 */
export async function emailTaken(orgId: number, holderId: number | undefined, at: Date): Promise<Conflict> {
  const holder = holderId === undefined ? undefined : await userStore.get(holderId);
  if (holder?.orgId !== orgId) await countTakenElsewhere(orgId, at);
  return new Conflict('A user with this email already exists', ErrorCode.alreadyExists);
}

/**
 * Moving users in: one JSON object per row, `{"email", "role", "passwordHash"?, "totpSecret"?}`.
 * Each row is created in one transaction (email claim, profile, imported TOTP factor, audit event)
 * or not at all, so a failure leaves nothing half-imported and a re-run finishes the rest; a row
 * whose email exists already is "unchanged" (idempotent by email), never updated.
 */
import * as z from 'zod/mini';
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { NotFound } from '../errors';
import { sealTotpSecret, normaliseTotpSecret } from '../factors/totp/secret';
import * as totpStore from '../factors/totp/store';
import { putCredential, putImportedPasskeyOwner } from '../factors/webauthn/store';
import { LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import type { User } from '../model/user';
import { nextId } from './counter-store';
import { addingRefused, assertMayAddEmails, countTakenElsewhere, mayAddEmails } from './email-taken';
import { emailInvitation, newInvitationLink } from './invitations';
import { parseImportedHash, UnsupportedHash } from './imported-hashes';
import { orgStore, userStore } from './user-store';

/** Longer rows are refused unread: no real row is near it, and a hostile file cannot make us parse megabytes. */
export const MAX_ROW_BYTES = 4096;

const Row = z.strictObject({
  email: z.pipe(z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email()), z.transform((e: string) => e)),
  // Support staff are platform operators: they are made with the bootstrap command, never imported.
  role: z.enum(['member', 'admin']),
  passwordHash: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  totpSecret: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  /** Security keys and passkeys as another deployment with the same relying party id registered them. */
  webauthn: z.optional(
    z
      .array(
        z.strictObject({
          credentialId: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,1366}$/, 'must be base64url')),
          publicKey: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,1366}$/, 'must be base64url')),
          counter: z.number().check(z.int(), z.minimum(0), z.maximum(2 ** 32 - 1)),
          transports: z.optional(z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).check(z.maxLength(7))),
          name: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
          /** Usable for passwordless sign-in, as the source registered it (with its userHandle). */
          passkey: z.optional(z.boolean()),
          /** A passkey's user handle (base64url, up to 64 bytes): what its authenticator returns at sign-in. */
          userHandle: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,86}$/, 'must be base64url of at most 64 bytes'))),
        }),
      )
      .check(z.maxLength(10)),
  ),
  /** Written by the export for information; the import decides the status itself. */
  status: z.optional(z.enum(['invited', 'active', 'deactivated'])),
});
export type ImportRow = z.output<typeof Row>;

export type RowOutcome =
  | { line: number; outcome: 'created' | 'unchanged' | 'would create'; email: string; userId?: number; invitationSent?: boolean }
  | { line: number; outcome: 'refused'; email?: string; reason: string };

/** A row (a line of text, or an object from an API body) parsed and checked, or why it is refused; no table access. */
export function parseRow(input: string | object, line: number): { row: ImportRow; totpSecret?: string } | RowOutcome {
  let json: unknown = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_ROW_BYTES) return { line, outcome: 'refused', reason: `the row is longer than ${MAX_ROW_BYTES} bytes` };
    try {
      json = JSON.parse(input);
    } catch {
      return { line, outcome: 'refused', reason: 'the row is not JSON' };
    }
  }
  const parsed = Row.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
    return { line, outcome: 'refused', email: emailOf(json), reason };
  }
  const row = parsed.data;
  // A passkey signs in by the user handle its authenticator returns: one without it could not.
  const handleless = (row.webauthn ?? []).findIndex((k) => (k.passkey === true) !== (k.userHandle !== undefined));
  if (handleless >= 0) {
    return { line, outcome: 'refused', email: row.email, reason: `webauthn.${handleless}: a passkey (passkey: true) has a userHandle, and only a passkey` };
  }
  try {
    if (row.passwordHash) parseImportedHash(row.passwordHash);
    return { row, totpSecret: row.totpSecret === undefined ? undefined : normaliseTotpSecret(row.totpSecret) };
  } catch (error) {
    if (error instanceof UnsupportedHash) return { line, outcome: 'refused', email: row.email, reason: `passwordHash: ${error.message}` };
    return { line, outcome: 'refused', email: row.email, reason: `totpSecret: ${(error as Error).message}` };
  }
}

const emailOf = (json: unknown) =>
  json && typeof json === 'object' && typeof (json as { email?: unknown }).email === 'string' ? String((json as { email: string }).email).slice(0, 254) : undefined;

/**
 * Imports rows into an org, in order; answers every row's outcome. `dryRun` checks everything and
 * reads which emails exist, and writes nothing.
 */
export async function importUsers(
  orgId: number,
  rows: Iterable<string | object> | AsyncIterable<string | object>,
  actor: Actor,
  options: { dryRun?: boolean } = {},
): Promise<RowOutcome[]> {
  if (!(await orgStore.get(orgId))) throw new NotFound(`Org ${orgId} does not exist`);
  // A row refused because another org holds its address tells that it does: counted (email-taken.ts).
  await assertMayAddEmails(orgId, now());
  const outcomes: RowOutcome[] = [];
  const seen = new Map<string, number>();
  let line = 0;
  for await (const input of rows) {
    line += 1;
    if (typeof input === 'string' && !input.trim()) continue;
    const parsed = parseRow(input, line);
    if ('outcome' in parsed) {
      outcomes.push(parsed);
      continue;
    }
    const { row } = parsed;
    const first = seen.get(row.email);
    if (first !== undefined) {
      outcomes.push({ line, outcome: 'refused', email: row.email, reason: `the email is on line ${first} already` });
      continue;
    }
    seen.set(row.email, line);
    outcomes.push(await importRow(orgId, row, parsed.totpSecret, line, actor, options.dryRun ?? false));
  }
  return outcomes;
}

async function importRow(orgId: number, row: ImportRow, totpSecret: string | undefined, line: number, actor: Actor, dryRun: boolean): Promise<RowOutcome> {
  const existing = await userStore.idByEmail(row.email);
  if (existing !== undefined) return existingOutcome(orgId, existing, row.email, line);
  if (dryRun) return { line, outcome: 'would create', email: row.email };

  const at = now();
  const enrolled = [...(totpSecret ? ['totp' as const] : []), ...(row.webauthn?.length ? ['webauthn' as const] : [])];
  const user: User = {
    userId: await nextId('user'),
    orgId,
    email: row.email,
    role: row.role,
    createdAt: at.toISOString(),
    status: row.passwordHash ? 'active' : 'invited',
  };
  // Without a password the user is invited, as by POST /api/users: a link in the same transaction.
  const link = row.passwordHash ? undefined : await newInvitationLink(user.userId, at);
  const passkeys = (row.webauthn ?? []).filter((k) => k.passkey);
  const writes = [
    orgStore.assertExists(orgId),
    ...(link ? [link.write] : []),
    userStore.claimEmail(user.email, user.userId),
    userStore.put(user, row.passwordHash, enrolled.length ? { enrolled: new Set(enrolled), preferredMethod: enrolled[0] } : undefined),
    ...(totpSecret ? [totpStore.putImported(user.userId, await sealTotpSecret(user.userId, totpSecret), at)] : []),
    ...(row.webauthn ?? []).map(({ passkey, userHandle, ...key }) =>
      putCredential(user.userId, {
        ...key,
        aaguid: '00000000-0000-0000-0000-000000000000',
        name: key.name ?? 'Imported key',
        createdAt: at.toISOString(),
        ...(passkey && { passkey: true, userHandle }),
      }),
    ),
    auditPut({
      orgId,
      action: 'user.imported',
      actor,
      targetUserId: user.userId,
      details: {
        role: user.role,
        password: row.passwordHash ? parseImportedHash(row.passwordHash).format : 'none',
        factors: enrolled,
        ...(passkeys.length > 0 && { passkeys: passkeys.length }),
      },
    }),
  ];
  // Last: each passkey's owner, so the sign-in finds the user by the credential (one user per key).
  const firstOwner = writes.length;
  writes.push(...passkeys.map((k) => putImportedPasskeyOwner(user.userId, k.credentialId)));
  const limitCheck = writes.push(mayAddEmails(orgId, at)) - 1;
  try {
    await transactWrite(writes);
  } catch (error) {
    if (error instanceof LostRace && error.lost(limitCheck)) throw addingRefused(orgId, at);
    // The email was claimed between the read and the write (a concurrent import or signup).
    if (error instanceof LostRace && error.lost(link ? 2 : 1)) {
      const winner = await userStore.idByEmail(row.email);
      if (winner !== undefined) return existingOutcome(orgId, winner, row.email, line);
    }
    if (error instanceof LostRace && passkeys.some((_, i) => error.lost(firstOwner + i))) {
      return { line, outcome: 'refused', email: row.email, reason: 'webauthn: a passkey with this credential id is imported for another user already' };
    }
    throw error;
  }
  if (!link) return { line, outcome: 'created', email: user.email, userId: user.userId };
  const { emailSent } = await emailInvitation(user, link);
  return { line, outcome: 'created', email: user.email, userId: user.userId, invitationSent: emailSent };
}

async function existingOutcome(orgId: number, userId: number, email: string, line: number): Promise<RowOutcome> {
  const user = await userStore.get(userId);
  if (user?.orgId === orgId) return { line, outcome: 'unchanged', email, userId };
  // Same answer as creating a user whose email is taken (nothing tells which org has it), and counted
  // the same way: at the org's limit the whole import is refused (429; a retry finds the rows made).
  await countTakenElsewhere(orgId, now());
  return { line, outcome: 'refused', email, reason: 'a user with this email already exists' };
}

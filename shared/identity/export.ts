/**
 * Moving out: an org's users as rows the import reads back (./import), so a team is never locked in.
 * TOTP secrets (opened from their seal) and password hashes (ours, written as PHC `$scrypt$` strings)
 * are in a row only with `includeSecrets`; WebAuthn credentials are public keys and always are. SMS
 * numbers, recovery codes and sessions are not exported: the import has no place for them (phones
 * are re-verified, recovery codes re-generated, sessions start afresh). Every export is audited.
 */
import { auditPut, type Actor } from '../audit/events';
import { loadAccount, type Account } from '../factors/account';
import { openTotpSecret } from '../factors/totp/secret';
import type { CredentialItem } from '../factors/webauthn/store';
import { userHandleText } from '../factors/webauthn/user-handle';
import { transactWrite } from '../store/transact';
import type { ImportRow } from './import';
import { orgUsersPage } from './org-users-store';

export type ExportRow = ImportRow;
type Transport = NonNullable<NonNullable<ImportRow['webauthn']>[number]['transports']>[number];

/** Our `scrypt$logN$r$p$salt$key` as the PHC string the import (and other systems) read. */
export function phcOfOurs(stored: string): string | undefined {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return stored.startsWith('$') ? stored : undefined; // an imported hash stays as it came
  const b64 = (s: string) => s.replace(/=+$/, '');
  return `$scrypt$ln=${logN},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

async function rowOf(account: Account, includeSecrets: boolean): Promise<ExportRow> {
  const { user } = account;
  const row: ExportRow = { email: user.email, role: user.role === 'admin' ? 'admin' : 'member', status: user.status ?? 'active' };
  if (includeSecrets) {
    const hash = user.passwordHash && phcOfOurs(user.passwordHash);
    if (hash) row.passwordHash = hash;
    const totp = account.factors.find((f) => f.kind === 'totp' && f.verified);
    const secret = totp && (await openTotpSecret(totp));
    if (secret) row.totpSecret = secret;
  }
  const keys = account.factors.filter((f): f is CredentialItem => f.kind === 'webauthn' && f.verified);
  if (keys.length) {
    row.webauthn = keys.map((k) => ({
      credentialId: k.credentialId,
      publicKey: k.publicKey,
      counter: k.counter,
      ...(k.transports && { transports: k.transports as Transport[] }),
      name: k.name,
      // A passkey with the handle its authenticator returns: ours, or the one it was imported with.
      ...(k.passkey && { passkey: true, userHandle: k.userHandle ?? userHandleText(user.userId) }),
    }));
  }
  return row;
}

/** Every user of the org (support staff are platform operators: never exported), page by page. */
export async function* exportOrg(orgId: number, options: { includeSecrets: boolean }, actor: Actor): AsyncGenerator<ExportRow> {
  let count = 0;
  let start: Parameters<typeof orgUsersPage>[2];
  do {
    const page = await orgUsersPage(orgId, 100, start);
    for (const { userId, role } of page.users) {
      if (role === 'support') continue;
      const account = await loadAccount(userId);
      if (!account) continue;
      count += 1;
      yield await rowOf(account, options.includeSecrets);
    }
    start = page.last;
  } while (start);
  await transactWrite([auditPut({ orgId, action: 'org.exported', actor, details: { users: count, includeSecrets: options.includeSecrets } })]);
}

import { cliActor } from '../../shared/audit/events';
import { exportOrg, type ExportRow } from '../../shared/identity/export';
import { importUsers, MAX_ROW_BYTES, type RowOutcome } from '../../shared/identity/import';
import { getUser } from '../../shared/identity/users';
import { decodeJwt } from 'jose';
import { storedAuditEvents } from '../support/audit';
import { accessToken, newOrg, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { ORIGIN, registerKey, setPasswordless, signInWithPasskey } from '../support/passkeys';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { totpCode } from '../support/two-factor';

const actor = cliActor('import');

/**
 * Hashes made by the reference implementations: bcrypt by OpenWall's crypt_blowfish (its test
 * vectors), argon2id by phc-winner-argon2 (src/test.c), PBKDF2 and scrypt by CPython's hashlib
 * (OpenSSL), written in PHC form and in passlib's form.
 */
const VECTORS = [
  ['bcrypt $2a$', 'U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['bcrypt $2b$', 'U*U', '$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['bcrypt $2y$', 'U*U', '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['argon2id', 'password', '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4'],
  ['pbkdf2-sha256 (passlib)', 'correct horse battery staple', '$pbkdf2-sha256$29000$c2FsdHlzYWx0eXNhbHR5IQ$t9kTrX9RfuPE6sAr4Wqq9T/p3FQMqcGgCp2VWaoUyLQ'],
  ['pbkdf2-sha256 (PHC)', 'correct horse battery staple', '$pbkdf2-sha256$i=600000,l=32$c2FsdHlzYWx0eXNhbHR5IQ$uIFiVZk+e5BsKbn44v6yNDse+prTd9HoryyeZqosrZQ'],
  [
    'pbkdf2-sha512 (PHC)',
    'correct horse battery staple',
    '$pbkdf2-sha512$i=25000,l=64$c2FsdHlzYWx0eXNhbHR5IQ$Xz3YKDjGesSiXuuqY9VNSBNqRHHoaBK1FLWjLERiAVPDZAebA3iuI9cOvlsEHwc9rRnh9IOtJfF6jHZUWTDBbA',
  ],
  ['scrypt', 'correct horse battery staple', '$scrypt$ln=14,r=8,p=1$c2FsdHlzYWx0eXNhbHR5IQ$mWhu7hGesVVN+C6P2y/qJSNKbWpBrGa+Zlaqi1Zu/D0'],
] as const;

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // 160 bits

const loginStatus = async (email: string, password: string) => (await invoke('POST /api/auth/login', { body: { email, password } })).status;

const outcomesOf = (outcomes: RowOutcome[]) => outcomes.map((o) => [o.line, o.outcome, 'reason' in o ? o.reason : undefined]);

describe('import: password hashes from other systems', () => {
  it.each(VECTORS)('%s: verified as it is, then re-hashed to ours at the first login', async (_, password, hash) => {
    const { orgId } = await newOrg();
    const email = uniqueEmail('moved');
    const [outcome] = await importUsers(orgId, [JSON.stringify({ email, role: 'member', passwordHash: hash })], actor);
    expect(outcome).toMatchObject({ outcome: 'created', email });
    const userId = (outcome as { userId: number }).userId;
    expect((await getUser(userId))!.passwordHash).toBe(hash);

    expect(await loginStatus(email, `${password}x`)).toBe(401);
    expect(await loginStatus(email, password)).toBe(200);
    expect((await getUser(userId))!.passwordHash).toMatch(/^scrypt\$/);
    expect(await loginStatus(email, password)).toBe(200);
  });
});

describe('import: rows', () => {
  it('imports a TOTP secret as verified: the user signs in with the app they already have', async () => {
    const { orgId } = await newOrg();
    const email = uniqueEmail('moved');
    const [, , hash] = VECTORS.at(-1)!;
    await importUsers(orgId, [JSON.stringify({ email, role: 'admin', passwordHash: hash, totpSecret: SECRET.toLowerCase().replace(/(.{4})/g, '$1 ') })], actor);
    const login = await invoke('POST /api/auth/login', { body: { email, password: 'correct horse battery staple' } });
    expect(login.body).toMatchObject({ twoFactorRequired: true, methods: ['totp'] });
    const verified = await invoke('POST /2fa/authenticate', { token: login.body.pendingToken, body: { code: await totpCode(SECRET) } });
    expect(verified.status).toBe(200);
  });

  it('refuses hostile rows one by one and imports the others', async () => {
    const { orgId } = await newOrg();
    const good = uniqueEmail('good');
    const rows = [
      JSON.stringify({ email: good, role: 'member', passwordHash: VECTORS[0][2] }),
      JSON.stringify({ email: uniqueEmail('bcrypt31'), role: 'member', passwordHash: '$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' }),
      JSON.stringify({ email: uniqueEmail('short'), role: 'member', totpSecret: 'JBSWY3DP' }), // 40 bits
      JSON.stringify({ email: good.toUpperCase(), role: 'admin' }),
      JSON.stringify({ email: uniqueEmail('staff'), role: 'support' }),
      JSON.stringify({ email: uniqueEmail('md5'), role: 'member', passwordHash: '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/' }),
      '{"email": "not json',
      JSON.stringify({ email: uniqueEmail('huge'), role: 'member', note: 'x'.repeat(10 * 2 ** 20) }),
      JSON.stringify({ email: uniqueEmail('extra'), role: 'member', isAdmin: true }),
    ];
    const outcomes = await importUsers(orgId, rows, actor);
    expect(outcomesOf(outcomes)).toEqual([
      [1, 'created', undefined],
      [2, 'refused', 'passwordHash: bcrypt cost must be between 4 and 15'],
      [3, 'refused', expect.stringMatching(/^totpSecret: .*128 bits/)],
      [4, 'refused', 'the email is on line 1 already'],
      [5, 'refused', expect.stringMatching(/^role: /)],
      [6, 'refused', expect.stringMatching(/^passwordHash: the hash is in none of the accepted formats/)],
      [7, 'refused', 'the row is not JSON'],
      [8, 'refused', `the row is longer than ${MAX_ROW_BYTES} bytes`],
      [9, 'refused', expect.stringMatching(/isAdmin|Unrecognized/)],
    ]);
    const events = await storedAuditEvents(orgId);
    expect(events.filter((e) => e.action === 'user.imported')).toHaveLength(1);
  });

  it('is idempotent by email: a re-run changes nothing; a dry run writes nothing', async () => {
    const { orgId } = await newOrg();
    const rows = [uniqueEmail('a'), uniqueEmail('b')].map((email) => JSON.stringify({ email, role: 'member' }));
    const dry = await importUsers(orgId, rows, actor, { dryRun: true });
    expect(dry.map((o) => o.outcome)).toEqual(['would create', 'would create']);
    expect((await storedAuditEvents(orgId)).filter((e) => e.action === 'user.imported')).toHaveLength(0);

    const first = await importUsers(orgId, rows, actor);
    expect(first.map((o) => o.outcome)).toEqual(['created', 'created']);
    const again = await importUsers(orgId, rows, actor);
    expect(again.map((o) => o.outcome)).toEqual(['unchanged', 'unchanged']);
    expect((await storedAuditEvents(orgId)).filter((e) => e.action === 'user.imported')).toHaveLength(2);
    // Without a password the user is invited: no password signs in.
    const user = await getUser((first[0] as { userId: number }).userId);
    expect(user).toMatchObject({ status: 'invited' });
  });

  it('refuses an email that belongs to another org, saying no more than that it exists', async () => {
    const { member } = await newOrg();
    const { orgId } = await newOrg();
    const [outcome] = await importUsers(orgId, [JSON.stringify({ email: member.email, role: 'member' })], actor);
    expect(outcome).toEqual({ line: 1, outcome: 'refused', email: member.email, reason: 'a user with this email already exists' });
  });
});

describe('export', () => {
  it('round-trips through the import: users, roles, password hashes, TOTP secrets and security keys', async () => {
    const { orgId } = await newOrg();
    const rows = [
      { email: uniqueEmail('totp'), role: 'admin', passwordHash: VECTORS[7][2], totpSecret: SECRET },
      {
        email: uniqueEmail('key'),
        role: 'member',
        passwordHash: VECTORS[4][2],
        webauthn: [{ credentialId: 'AAECAwQFBgcICQoLDA0ODw', publicKey: 'pQECAyYgASFYIBAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f', counter: 7, transports: ['usb'], name: 'Blue key' }],
      },
    ];
    await importUsers(orgId, rows.map((r) => JSON.stringify(r)), actor);

    const exported: ExportRow[] = [];
    for await (const row of exportOrg(orgId, { includeSecrets: true }, cliActor('export'))) exported.push(row);
    const moved = exported.filter((r) => rows.some((x) => x.email === r.email));
    expect(moved.map(({ status, ...r }) => r)).toEqual(expect.arrayContaining(rows.map((r) => expect.objectContaining(r))));

    // Into another deployment (here: another org, the emails renamed): the same users, and they sign in.
    const { orgId: target } = await newOrg();
    const renamed = moved.map((r) => ({ ...r, email: `moved-${r.email}` }));
    const outcomes = await importUsers(target, renamed.map((r) => JSON.stringify(r)), actor);
    expect(outcomes.map((o) => o.outcome)).toEqual(['created', 'created']);
    const back: ExportRow[] = [];
    for await (const row of exportOrg(target, { includeSecrets: true }, cliActor('export'))) back.push(row);
    expect(back.filter((r) => r.email.startsWith('moved-'))).toEqual(expect.arrayContaining(renamed.map((r) => expect.objectContaining({ ...r, status: 'active' }))));
    expect(await loginStatus(`moved-${rows[1]!.email}`, 'correct horse battery staple')).toBe(200);
  });

  it('leaves secrets out unless asked, and audits every export', async () => {
    const { orgId } = await newOrg();
    await importUsers(orgId, [JSON.stringify({ email: uniqueEmail('totp'), role: 'member', passwordHash: VECTORS[7][2], totpSecret: SECRET })], actor);
    const rows: ExportRow[] = [];
    for await (const row of exportOrg(orgId, { includeSecrets: false }, cliActor('export'))) rows.push(row);
    expect(rows.every((r) => r.totpSecret === undefined && r.passwordHash === undefined)).toBe(true);
    const events = (await storedAuditEvents(orgId)).filter((e) => e.action === 'org.exported');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ details: { users: 3, includeSecrets: false } });
  });
});

describe('imported passkeys', () => {
  /** A passkey registered in another org (standing in for another deployment), as the export writes it. */
  async function exportedPasskey() {
    const source = await newOrg();
    const key = new SoftAuthenticator(ORIGIN);
    await registerKey(await accessToken(source.member), key, { passkey: true });
    const rows: ExportRow[] = [];
    for await (const row of exportOrg(source.orgId, { includeSecrets: false }, cliActor('export'))) rows.push(row);
    const [webauthn] = rows.find((r) => r.email === source.member.email)!.webauthn!;
    return { key, source, webauthn: webauthn! };
  }

  /** An org that allows passkey sign-in, and a user imported into it with `keys`. */
  async function importedWith(keys: unknown[]) {
    const target = await newOrg();
    await setPasswordless(target.admin);
    const email = uniqueEmail('passkey');
    const [outcome] = await importUsers(target.orgId, [JSON.stringify({ email, role: 'member', passwordHash: VECTORS[4][2], webauthn: keys })], actor);
    if (outcome?.outcome !== 'created') throw new Error(`import: ${JSON.stringify(outcome)}`);
    return { target, email, userId: outcome.userId! };
  }

  // Another deployment's user handle: what the imported key's authenticator returns at sign-in.
  const foreign = Buffer.from('legacy-user-7f3a').toString('base64url');

  it('exports a passkey with its user handle; imported with it, the key signs in without a password', async () => {
    const { key, source, webauthn } = await exportedPasskey();
    expect(webauthn).toMatchObject({ passkey: true, userHandle: Buffer.from(`user-${source.member.userId}`).toString('base64url') });

    key.userHandle = foreign;
    const { target, email, userId } = await importedWith([{ ...webauthn, userHandle: foreign }]);
    const signIn = await signInWithPasskey(key);
    expect(signIn.status).toBe(200);
    expect(decodeJwt(signIn.body.accessToken)).toMatchObject({ sub: String(userId), org: target.orgId, aal: 2, amr: ['hwk', 'user'] });
    const imported = (await storedAuditEvents(target.orgId)).find((e) => e.action === 'user.imported' && e.targetUserId === userId);
    expect(imported?.details).toMatchObject({ factors: ['webauthn'], passkeys: 1 });

    // Moving on again keeps the handle the authenticator returns, not ours.
    const again: ExportRow[] = [];
    for await (const row of exportOrg(target.orgId, { includeSecrets: false }, cliActor('export'))) again.push(row);
    expect(again.find((r) => r.email === email)!.webauthn).toEqual([{ ...webauthn, userHandle: foreign, counter: 1 }]);
  });

  it('answers only to the handle it was imported with', async () => {
    const { key, webauthn } = await exportedPasskey();
    const { userId } = await importedWith([{ ...webauthn, userHandle: foreign }]);
    const ours = Buffer.from(`user-${userId}`).toString('base64url');
    for (const userHandle of [ours, Buffer.from('legacy-user-0000').toString('base64url')]) {
      expect((await signInWithPasskey(key, { userHandle })).status).toBe(401);
    }
    expect((await signInWithPasskey(key, { userHandle: foreign })).status).toBe(200);
  });

  it('refuses a passkey without its handle, a handle without a passkey, and a passkey imported for someone already', async () => {
    const { webauthn } = await exportedPasskey();
    const { target } = await importedWith([{ ...webauthn, userHandle: foreign }]);
    const { passkey: _p, userHandle: _h, ...secondFactorOnly } = webauthn;
    const rows = [
      { email: uniqueEmail('a'), role: 'member', webauthn: [{ ...secondFactorOnly, passkey: true }] },
      { email: uniqueEmail('b'), role: 'member', webauthn: [{ ...secondFactorOnly, userHandle: foreign }] },
      { email: uniqueEmail('c'), role: 'member', webauthn: [{ ...webauthn, userHandle: foreign }] },
      { email: uniqueEmail('d'), role: 'member', webauthn: [secondFactorOnly] },
    ];
    const outcomes = await importUsers(target.orgId, rows.map((r) => JSON.stringify(r)), actor);
    expect(outcomesOf(outcomes)).toEqual([
      [1, 'refused', 'webauthn.0: a passkey (passkey: true) has a userHandle, and only a passkey'],
      [2, 'refused', 'webauthn.0: a passkey (passkey: true) has a userHandle, and only a passkey'],
      [3, 'refused', 'webauthn: a passkey with this credential id is imported for another user already'],
      [4, 'created', undefined],
    ]);
    // Nothing of the refused rows was written: the same rows, checked only, would still be created.
    const checked = await importUsers(target.orgId, rows.slice(2, 3).map((r) => JSON.stringify(r)), actor, { dryRun: true });
    expect(checked.map((o) => o.outcome)).toEqual(['would create']);
  });

  it('frees the credential when the user removes the key, or an admin resets their factors', async () => {
    const { key, webauthn } = await exportedPasskey();
    key.userHandle = foreign;
    const keyRow = { ...webauthn, userHandle: foreign };
    const first = await importedWith([keyRow]);
    // The user's own passkey sign-in is a recent second factor: the removal needs no more.
    const token = (await signInWithPasskey(key)).body.accessToken;
    expect((await invoke('DELETE /api/two-factor/webauthn/{id}', { token, params: { id: webauthn.credentialId } })).status).toBe(204);
    expect((await signInWithPasskey(key)).status).toBe(401);

    const second = await importedWith([keyRow]);
    const reset = await invoke('POST /api/users/{id}/two-factor/reset', { token: await accessToken(second.target.admin), params: { id: second.userId } });
    expect(reset.status).toBe(204);
    const third = await importedWith([keyRow]);
    expect(decodeJwt((await signInWithPasskey(key)).body.accessToken).sub).toBe(String(third.userId));
    expect(new Set([first.userId, second.userId, third.userId]).size).toBe(3);
  });

  it('frees the credential when its user is deleted: it can be imported for someone else', async () => {
    const { key, webauthn } = await exportedPasskey();
    const { target, userId } = await importedWith([{ ...webauthn, userHandle: foreign }]);
    const deleted = await invoke('DELETE /api/users/{id}', { token: await accessToken(target.admin), params: { id: userId } });
    expect(deleted.status).toBe(204);
    const row = { email: uniqueEmail('again'), role: 'member', passwordHash: VECTORS[4][2], webauthn: [{ ...webauthn, userHandle: foreign }] };
    const [again] = await importUsers(target.orgId, [JSON.stringify(row)], actor);
    expect(again).toMatchObject({ outcome: 'created' });
    key.userHandle = foreign;
    expect(decodeJwt((await signInWithPasskey(key)).body.accessToken).sub).toBe(String((again as { userId: number }).userId));
  });
});

describe('POST /api/users/import', () => {
  it('imports a bounded batch for an org admin, and refuses members and larger batches', async () => {
    const { admin, member } = await newOrg();
    const adminToken = (await invoke('POST /api/auth/login', { body: { email: admin.email, password: admin.password } })).body.accessToken;
    const memberToken = (await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } })).body.accessToken;
    const users = [{ email: uniqueEmail('api'), role: 'member', passwordHash: VECTORS[4][2] }, { email: 'nope', role: 'member' }];

    const answer = await invoke('POST /api/users/import', { token: adminToken, body: { users } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.outcomes.map((o: RowOutcome) => o.outcome)).toEqual(['created', 'refused']);
    expect((await invoke('POST /api/users/import', { token: memberToken, body: { users } })).status).toBe(403);
    const tooMany = await invoke('POST /api/users/import', { token: adminToken, body: { users: Array.from({ length: 26 }, () => users[0]) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.detail).toMatch(/at most 25 rows/);
  });
});

/** Support impersonation behind the support user's own second factor, and the audit trail that records it. */
import { decodeJwt } from 'jose';
import { testClock } from '../support/clock';
import { accessToken, newOrg, newUser } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp, loginWithTotp, totpCode } from '../support/two-factor';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

/** A support user with TOTP, signed in with it, and an org with a member to impersonate. */
async function scene() {
  const org = await newOrg();
  const support = await newUser(`Support desk ${org.name}`, 'support');
  const secret = await enrolTotp(await accessToken(support));
  clock.nextStep();
  const tokens = await loginWithTotp(support, secret);
  clock.nextStep();
  return { ...org, support, secret, supportToken: tokens.accessToken };
}

const impersonate = (token: string, body: unknown) => invoke('POST /2fa/impersonate', { token, body, headers: { 'user-agent': 'support-console/1.0' } });

describe('POST /2fa/impersonate', () => {
  it('gives a short-lived token for the target with the support user as actor, and no refresh token', async () => {
    const { support, supportToken, secret, member, orgId } = await scene();
    const response = await impersonate(supportToken, { userId: member.userId, teamId: orgId, code: await totpCode(secret) });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accessToken: expect.any(String), isTwoFactorEnable: false, expiresIn: 900 });
    const claims = decodeJwt(response.body.accessToken);
    expect(claims).toMatchObject({ sub: String(member.userId), org: orgId, role: 'member', act: { sub: String(support.userId) } });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(1800);
    expect(response.body.refreshToken).toBeUndefined();

    // It acts as the target on normal routes...
    const me = await invoke('GET /api/users/{id}', { token: response.body.accessToken, params: { id: member.userId } });
    expect(me).toMatchObject({ status: 200, body: { data: { userId: member.userId } } });
    expect((await invoke('GET /api/two-factor', { token: response.body.accessToken })).status).toBe(200);
    // ...and is refused on sensitive ones: factors, recovery codes, further impersonation.
    for (const [key, body] of [
      ['PATCH /api/two-factor', { method: 'google', secret_key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }],
      ['POST /api/two-factor/recovery-codes', {}],
      ['POST /2fa/disable-two-factor-auth', {}],
      ['POST /api/two-factor/webauthn/register/options', undefined],
    ] as const) {
      const refused = await invoke(key, { token: response.body.accessToken, body });
      expect({ key, status: refused.status }).toEqual({ key, status: 403 });
    }
    expect((await impersonate(response.body.accessToken, { userId: member.userId, teamId: orgId, code: '123456' })).status).toBe(403);
  });

  it('is refused to a member, an admin, and a support user without a second factor', async () => {
    const { member, admin, orgId, name } = await newOrg();
    const body = { userId: member.userId, teamId: orgId, code: '123456' };
    expect((await impersonate(await accessToken(member), body)).status).toBe(403);
    expect((await impersonate(await accessToken(admin), body)).status).toBe(403);
    const bare = await newUser(`Support ${name}`, 'support');
    expect(await impersonate(await accessToken(bare), body)).toMatchObject({ status: 403, body: { code: 'two_factor_required' } });
  });

  it('is refused with a wrong or a replayed code (same rules as a login)', async () => {
    const { supportToken, secret, member, orgId } = await scene();
    const wrong = await impersonate(supportToken, { userId: member.userId, teamId: orgId, code: '000000' });
    expect(wrong).toMatchObject({ status: 422, body: { code: 'invalid_code' } });
    const code = await totpCode(secret);
    expect((await impersonate(supportToken, { userId: member.userId, teamId: orgId, code })).status).toBe(200);
    expect((await impersonate(supportToken, { userId: member.userId, teamId: orgId, code })).status).toBe(422);
  });

  it('answers one 404 for a wrong team and for an unknown user', async () => {
    const { supportToken, secret, member } = await scene();
    const other = await newOrg();
    const wrongTeam = await impersonate(supportToken, { userId: member.userId, teamId: other.orgId, code: await totpCode(secret) });
    clock.nextStep();
    const unknown = await impersonate(supportToken, { userId: 987654321, teamId: other.orgId, code: await totpCode(secret) });
    expect(wrongTeam.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrongTeam.body.detail).toBe(unknown.body.detail);
  });

  it('cannot target support staff or oneself', async () => {
    const { support, supportToken, secret } = await scene();
    const colleague = await newUser(`Support ${support.email}`, 'support');
    expect((await impersonate(supportToken, { userId: colleague.userId, teamId: colleague.orgId, code: await totpCode(secret) })).status).toBe(403);
    clock.nextStep();
    expect((await impersonate(supportToken, { userId: support.userId, teamId: support.orgId, code: await totpCode(secret) })).status).toBe(403);
  });
});

describe('POST /2fa/desimpersonation', () => {
  it('returns the support user’s own tokens and kills the impersonation token at once', async () => {
    const { support, supportToken, secret, member, orgId } = await scene();
    const { body } = await impersonate(supportToken, { userId: member.userId, teamId: orgId, code: await totpCode(secret) });
    const ended = await invoke('POST /2fa/desimpersonation', { token: body.accessToken });
    expect(ended).toMatchObject({ status: 200, body: { accessToken: expect.any(String), refreshToken: expect.any(String) } });
    expect(decodeJwt(ended.body.accessToken)).toMatchObject({ sub: String(support.userId), role: 'support', aal: 2 });
    expect(decodeJwt(ended.body.accessToken).act).toBeUndefined();
    // The impersonation token is dead now, not only at expiry.
    expect((await invoke('GET /api/users/{id}', { token: body.accessToken, params: { id: member.userId } })).status).toBe(401);
    expect((await invoke('POST /2fa/desimpersonation', { token: body.accessToken })).status).toBe(401);
  });

  it('answers 400 to any other token', async () => {
    const { supportToken } = await scene();
    expect(await invoke('POST /2fa/desimpersonation', { token: supportToken })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  });
});

describe('GET /api/audit', () => {
  it('shows every step with its actor, newest first, paged with a cursor', async () => {
    const { support, supportToken, secret, member, orgId, admin } = await scene();
    const adminToken = await accessToken(admin);
    clock.advance(1); // the trail orders events by time (the test clock stands still otherwise)
    const { body } = await impersonate(supportToken, { userId: member.userId, teamId: orgId, code: await totpCode(secret) });
    clock.advance(1);
    await invoke('POST /2fa/desimpersonation', { token: body.accessToken, headers: { 'user-agent': 'support-console/1.0' } });

    const page = await invoke('GET /api/audit', { token: adminToken, query: { limit: '1' } });
    expect(page.status).toBe(200);
    expect(page.body.data).toEqual([
      expect.objectContaining({
        action: 'impersonation.ended',
        actorId: member.userId,
        act: { sub: String(support.userId) },
        targetUserId: member.userId,
        sourceIp: '127.0.0.1',
        userAgent: 'support-console/1.0',
        at: expect.any(String),
        policySequence: 0,
      }),
    ]);
    const rest = await invoke('GET /api/audit', { token: adminToken, query: { cursor: page.body.nextCursor } });
    expect(rest.body.data[0]).toMatchObject({ action: 'impersonation.started', actorId: support.userId, targetUserId: member.userId, policySequence: 0 });
    expect(JSON.stringify([page.body, rest.body])).not.toMatch(/"(codeHash|tokenHash|sealedSecret|password)/);

    // The support user's own org has the events too; support reads any org with ?org=.
    const supportOrg = await invoke('GET /api/audit', { token: supportToken, query: { org: String(support.orgId) } });
    expect(supportOrg.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['impersonation.started', 'impersonation.ended', 'factor.verified', 'login.two_factor']),
    );
  });

  it('admins read only their own org; members none', async () => {
    const a = await newOrg();
    const b = await newOrg();
    expect((await invoke('GET /api/audit', { token: await accessToken(a.admin), query: { org: String(b.orgId) } })).status).toBe(403);
    expect((await invoke('GET /api/audit', { token: await accessToken(a.member) })).status).toBe(403);
  });
});

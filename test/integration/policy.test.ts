/** One policy per org, two dialects: the Ziik settings routes and Zitadel's login policy second factors. */
import { decodeJwt } from 'jose';
import { setClock } from '../../shared/clock';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { storedAuditEvents } from '../support/audit';
import { accessToken, login, newOrg, newUser } from '../support/fixtures';
import { invoke } from '../support/invoke';

async function adminOf() {
  const org = await newOrg();
  return { ...org, token: await accessToken(org.admin) };
}

async function auditEvents(orgId: number) {
  // The policy's own events (users created and signing in are audited too).
  return (await storedAuditEvents(orgId)).filter((e) => String(e.action).startsWith('policy.'));
}

describe('Ziik dialect: /api/settings/twofactor', () => {
  it('starts from the default policy', async () => {
    const { token } = await adminOf();
    const { status, body } = await invoke('GET /api/settings/twofactor', { token });
    expect(status).toBe(200);
    expect(body.data).toEqual({
      methods: ['google', 'u2f'],
      force: false,
      roleRules: {},
      sequence: 0,
      gracePeriodSeconds: 0,
      checkLifetimeSeconds: 900,
      smsCountryCodes: null,
      notifications: true,
      passwordless: false,
      rememberDeviceDays: 0,
      createdAt: null,
      changedAt: null,
    });
  });

  it('enables and disables methods with 204, idempotently', async () => {
    const { token } = await adminOf();
    for (const attempt of [1, 2]) {
      const r = await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'sms' } });
      expect({ attempt, status: r.status, body: r.body }).toEqual({ attempt, status: 204, body: '' });
    }
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ methods: ['google', 'u2f', 'sms'], sequence: 1 });
    for (const _ of [1, 2]) expect((await invoke('DELETE /api/settings/twofactor/{method}', { token, params: { method: 'google' } })).status).toBe(204);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ methods: ['u2f', 'sms'], sequence: 2 });
  });

  it('forces and unforces 2FA with 204', async () => {
    const { token } = await adminOf();
    expect((await invoke('POST /api/settings/twofactor/force', { token })).status).toBe(204);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data.force).toBe(true);
    expect((await invoke('DELETE /api/settings/twofactor/force', { token })).status).toBe(204);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data.force).toBe(false);
  });

  it('refuses an unknown method with 400 naming the allowed values', async () => {
    const { token } = await adminOf();
    const response = await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'carrier-pigeon' } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'urn:twofactor:problem:validation_failed',
      title: 'Bad Request',
      status: 400,
      code: 'validation_failed',
      detail: 'Invalid request: path.method: must be one of: google, sms, u2f, email',
      instance: '/api/settings/twofactor/carrier-pigeon',
      errors: [{ path: 'path.method', message: 'must be one of: google, sms, u2f, email' }],
    });
  });

  it('refuses forcing with no method enabled (409), and removing the last method while forced', async () => {
    const { token } = await adminOf();
    await invoke('DELETE /api/settings/twofactor/{method}', { token, params: { method: 'google' } });
    await invoke('DELETE /api/settings/twofactor/{method}', { token, params: { method: 'u2f' } });
    const forced = await invoke('POST /api/settings/twofactor/force', { token });
    expect(forced).toMatchObject({ status: 409, body: { code: 'policy_requires_method', detail: expect.stringContaining('at least one allowed method') } });

    await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'google' } });
    expect((await invoke('POST /api/settings/twofactor/force', { token })).status).toBe(204);
    const last = await invoke('DELETE /api/settings/twofactor/{method}', { token, params: { method: 'google' } });
    expect(last).toMatchObject({ status: 409, body: { code: 'policy_requires_method' } });
  });

  it('is for org admins only', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    for (const [key, params] of [
      ['POST /api/settings/twofactor/{method}', { method: 'sms' }],
      ['POST /api/settings/twofactor/force', undefined],
      ['GET /api/settings/twofactor', undefined],
    ] as const) {
      expect(await invoke(key, { token, params })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    }
    expect((await invoke('POST /api/settings/twofactor/force', {})).status).toBe(401);
  });

  it('sets the grace period and check lifetime; refuses nonsense', async () => {
    const { token } = await adminOf();
    expect((await invoke('PATCH /api/settings/twofactor', { token, body: { gracePeriodSeconds: 86400 } })).status).toBe(204);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ gracePeriodSeconds: 86400, checkLifetimeSeconds: 900 });
    expect((await invoke('PATCH /api/settings/twofactor', { token, body: {} })).status).toBe(400);
    expect((await invoke('PATCH /api/settings/twofactor', { token, body: { checkLifetimeSeconds: -5 } })).status).toBe(400);
  });

  it('writes an audit event with the policy sequence for every change', async () => {
    const { token, orgId, admin } = await adminOf();
    await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'sms' } });
    await invoke('POST /api/settings/twofactor/force', { token });
    const events = await auditEvents(orgId);
    expect(events.map((e) => [e.action, e.policySequence, e.actorId]).sort()).toEqual([
      ['policy.forced', 2, admin.userId],
      ['policy.method_enabled', 1, admin.userId],
    ]);
    expect(events[0]).toMatchObject({ sourceIp: '127.0.0.1', userAgent: 'jest' });
  });
});

describe('Zitadel dialect: /management/v1/policies/login/second_factors', () => {
  it('adds a factor and answers the object details', async () => {
    const { token, orgId } = await adminOf();
    const response = await invoke('POST /management/v1/policies/login/second_factors', { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      details: {
        sequence: '1',
        creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        changeDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        resourceOwner: String(orgId),
      },
    });
  });

  it('lists the factors with _search', async () => {
    const { token } = await adminOf();
    const response = await invoke('POST /management/v1/policies/login/second_factors/_search', { token, body: {} });
    expect(response).toMatchObject({
      status: 200,
      body: { details: { totalResult: '2', viewTimestamp: expect.any(String) }, result: ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F'] },
    });
  });

  it('removes a factor; removing it again is 404 with gRPC code 5', async () => {
    const { token } = await adminOf();
    const removed = await invoke('DELETE /management/v1/policies/login/second_factors/{type}', { token, params: { type: 'SECOND_FACTOR_TYPE_U2F' } });
    expect(removed).toMatchObject({ status: 200, body: { details: { sequence: '1' } } });
    const again = await invoke('DELETE /management/v1/policies/login/second_factors/{type}', { token, params: { type: 'SECOND_FACTOR_TYPE_U2F' } });
    expect(again).toEqual({
      status: 404,
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
      body: { code: 5, message: 'The second factor webauthn is not in the policy', details: [] },
    });
  });

  it('refuses adding a present factor with 409 and gRPC code 6', async () => {
    const { token } = await adminOf();
    const response = await invoke('POST /management/v1/policies/login/second_factors', { token, body: { type: 'SECOND_FACTOR_TYPE_OTP' } });
    expect(response).toMatchObject({ status: 409, body: { code: 6, message: 'The second factor totp is already allowed', details: [] } });
  });

  it.each(['SECOND_FACTOR_TYPE_UNSPECIFIED', 'SECOND_FACTOR_TYPE_CARRIER_PIGEON', 7])(
    'refuses type %j with 400 and gRPC code 3',
    async (type) => {
      const { token } = await adminOf();
      const response = await invoke('POST /management/v1/policies/login/second_factors', { token, body: { type } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        code: 3,
        message: expect.stringContaining('SECOND_FACTOR_TYPE_UNSPECIFIED is not a factor'),
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            fieldViolations: [{ field: 'body.type', description: expect.stringContaining('must be one of: SECOND_FACTOR_TYPE_OTP') }],
          },
        ],
      });
    },
  );

  it('answers 401 with code 16 without a token and 403 with code 7 for a member', async () => {
    expect(await invoke('POST /management/v1/policies/login/second_factors/_search', { body: {} })).toMatchObject({
      status: 401,
      body: { code: 16, message: expect.any(String), details: [] },
    });
    const { member } = await newOrg();
    const response = await invoke('POST /management/v1/policies/login/second_factors', {
      token: await accessToken(member),
      body: { type: 'SECOND_FACTOR_TYPE_OTP' },
    });
    expect(response).toMatchObject({ status: 403, body: { code: 7 } });
  });

  it('x-zitadel-orgid selects the org: admins only their own, support any', async () => {
    const a = await adminOf();
    const b = await newOrg();
    const foreign = await invoke('POST /management/v1/policies/login/second_factors', {
      token: a.token,
      headers: { 'x-zitadel-orgid': String(b.orgId) },
      body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' },
    });
    expect(foreign).toMatchObject({ status: 403, body: { code: 7 } });

    const support = await newUser(`Support ${a.name}`, 'support');
    const supportToken = await accessToken(support);
    const allowed = await invoke('POST /management/v1/policies/login/second_factors', {
      token: supportToken,
      headers: { 'x-zitadel-orgid': String(b.orgId) },
      body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' },
    });
    expect(allowed).toMatchObject({ status: 200, body: { details: { resourceOwner: String(b.orgId) } } });
    const garbage = await invoke('POST /management/v1/policies/login/second_factors/_search', {
      token: supportToken,
      headers: { 'x-zitadel-orgid': 'not-a-number' },
      body: {},
    });
    expect(garbage).toMatchObject({ status: 400, body: { code: 3 } });
  });

  it.each(['application/grpc', 'application/grpc-web+proto', 'application/grpc+proto'])('answers %s with a clear 415', async (type) => {
    const { token } = await adminOf();
    const response = await invoke('POST /management/v1/policies/login/second_factors', {
      token,
      rawBody: '\u0000\u0000\u0000\u0000\u0002\u0008\u0001',
      headers: { 'content-type': type },
    });
    expect(response).toMatchObject({ status: 415, body: { code: 3, message: expect.stringContaining('send application/json') } });
  });
});

describe('one policy behind both dialects', () => {
  it('each dialect sees the other’s changes, with sequence strictly increasing across them', async () => {
    const { token } = await adminOf();
    const sequences: number[] = [];
    await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'sms' } });
    let search = await invoke('POST /management/v1/policies/login/second_factors/_search', { token, body: {} });
    expect(search.body.result).toEqual(['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_SMS']);
    sequences.push((await invoke('GET /api/settings/twofactor', { token })).body.data.sequence);

    const removed = await invoke('DELETE /management/v1/policies/login/second_factors/{type}', { token, params: { type: 'SECOND_FACTOR_TYPE_OTP' } });
    sequences.push(Number(removed.body.details.sequence));
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data.methods).toEqual(['u2f', 'sms']);

    await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'google' } });
    const added = await invoke('POST /management/v1/policies/login/second_factors', { token, body: { type: 'SECOND_FACTOR_TYPE_OTP' } });
    expect(added).toMatchObject({ status: 409, body: { code: 6 } });
    search = await invoke('POST /management/v1/policies/login/second_factors/_search', { token, body: {} });
    expect(search.body.result).toContain('SECOND_FACTOR_TYPE_OTP');
    sequences.push((await invoke('GET /api/settings/twofactor', { token })).body.data.sequence);
    expect(sequences).toEqual([1, 2, 3]);
  });

  it('20 concurrent changes get 20 distinct sequences and none is lost', async () => {
    const { token, orgId } = await adminOf();
    const changes = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? invoke('PATCH /api/settings/twofactor', { token, body: { gracePeriodSeconds: 1000 + i } })
        : invoke('PATCH /api/settings/twofactor', { token, body: { checkLifetimeSeconds: 600 + i } }),
    );
    const statuses = (await Promise.all(changes)).map((r) => r.status);
    expect(statuses).toEqual(Array(20).fill(204));
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data.sequence).toBe(20);
    const sequences = (await auditEvents(orgId)).map((e) => e.policySequence as number).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe('login follows the policy', () => {
  it('forced 2FA without a factor: the pending token says setup is required; inside the grace period, full tokens plus the flag', async () => {
    const { token, member, orgId } = await adminOf();
    await invoke('PATCH /api/settings/twofactor', { token, body: { gracePeriodSeconds: 3600 } });
    await invoke('POST /api/settings/twofactor/force', { token });
    forgetCachedPolicy(orgId);
    const inGrace = await login(member);
    expect(inGrace).toMatchObject({ accessToken: expect.any(String), twoFactorSetupRequired: true, enrolBy: expect.any(String) });

    setClock({ now: () => new Date(Date.now() + 2 * 3600 * 1000) });
    try {
      forgetCachedPolicy(orgId);
      const after = await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } });
      expect(after.body).toMatchObject({ twoFactorRequired: true, twoFactorSetupRequired: true, methods: [] });
      expect(decodeJwt(after.body.pendingToken)).toMatchObject({ scope: '2fa' });
    } finally {
      setClock();
    }
  });
});

describe('enrolment report', () => {
  it('lists the org’s users page by page with whether each satisfies the policy', async () => {
    const { token, orgId, admin, member } = await adminOf();
    const page1 = await invoke('GET /api/settings/twofactor/users', { token, query: { limit: '1' } });
    expect(page1.status).toBe(200);
    expect(page1.body.data).toEqual([{ userId: admin.userId, email: admin.email, role: 'admin', methods: [], satisfiesPolicy: true, deadline: null, deadlinePassed: false }]);
    const page2 = await invoke('GET /api/settings/twofactor/users', { token, query: { limit: '1', cursor: page1.body.nextCursor } });
    expect(page2.body.data).toEqual([{ userId: member.userId, email: member.email, role: 'member', methods: [], satisfiesPolicy: true, deadline: null, deadlinePassed: false }]);

    await invoke('POST /api/settings/twofactor/force', { token });
    forgetCachedPolicy(orgId);
    const forced = await invoke('GET /api/settings/twofactor/users', { token });
    expect(forced.body.data.map((u: { satisfiesPolicy: boolean }) => u.satisfiesPolicy)).toEqual([false, false]);
    expect(forced.body.nextCursor).toBeNull();
  });

  it('refuses a cursor from another org or a forged one', async () => {
    const a = await adminOf();
    const b = await adminOf();
    const page = await invoke('GET /api/settings/twofactor/users', { token: b.token, query: { limit: '1' } });
    const stolen = await invoke('GET /api/settings/twofactor/users', { token: a.token, query: { cursor: page.body.nextCursor } });
    expect(stolen).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    const forged = await invoke('GET /api/settings/twofactor/users', { token: a.token, query: { cursor: 'eyJub3BlIjp0cnVlfQ' } });
    expect(forged.status).toBe(400);
  });
});

/**
 * One successful call of every route that is not a GET, with what it must leave in the audit trail.
 * The route-table tests (revocation, audit) and the write-route call count run over this table; a
 * new non-GET route does not compile until it has an entry here, and the tests check the table
 * against functions/routes.ts at run time too.
 */
import { decodeJwt } from 'jose';
import type { RouteKey } from '../../functions/routes';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import type { testClock } from './clock';
import { accessToken, login, newOrg, newUser, uniqueEmail } from './fixtures';
import { memberWithDevice } from './devices';
import { lastEmailCode, lastLink } from './email';
import { invoke, type InvokeOptions } from './invoke';
import { forgot, invite } from './links';
import { randomDanishMobile } from './sms';
import { passkeyOptions, registerKey as registerPasskey, setPasswordless } from './passkeys';
import { SoftAuthenticator } from './soft-authenticator';
import { enrolTotp, loginWithTotp, secretOf, totpCode } from './two-factor';

export type WriteRoute = Exclude<RouteKey, `GET ${string}`>;

export interface ExpectedEvent {
  orgId: number;
  action: string;
  actorId?: number;
  targetUserId?: number;
  details?: Record<string, unknown>;
}

export interface WriteCall {
  /** The request; `token` is the credential whose revocation must turn it into a 401. */
  options: InvokeOptions;
  status: number;
  /** Orgs whose audit partitions the call may write to. */
  orgs: number[];
  /** Exactly the events the call leaves (none for a route that changes no audited state). */
  events: ExpectedEvent[];
}

export interface WriteRouteEntry {
  /** Set when a success leaves no audit event: why not. */
  unaudited?: string;
  setup(clock: ReturnType<typeof testClock>): Promise<WriteCall>;
}

const ORIGIN = 'http://localhost:3000';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const admin = async (token: string, key: RouteKey, options: InvokeOptions = {}) => {
  const response = await invoke(key, { token, ...options });
  if (response.status >= 300) throw new Error(`${key}: ${response.status} ${JSON.stringify(response.body)}`);
  return response;
};

/** A member who signed in with TOTP: a recent aal 2 token. */
async function memberWithTotp(clock: ReturnType<typeof testClock>) {
  const org = await newOrg();
  const secret = await enrolTotp(await accessToken(org.member));
  clock.nextStep();
  const { accessToken: token } = await loginWithTotp(org.member, secret);
  clock.nextStep();
  return { ...org, secret, token };
}

async function registerKey(token: string, key = new SoftAuthenticator(ORIGIN)) {
  const options = await admin(token, 'POST /api/two-factor/webauthn/register/options');
  await admin(token, 'POST /api/two-factor/webauthn/register', { body: { response: key.register(options.body), name: 'Desk key' } });
  return key;
}

/** An org whose policy allows email codes. */
async function orgAllowingEmail() {
  const org = await newOrg();
  await admin(await accessToken(org.admin), 'POST /api/settings/twofactor/{method}', { params: { method: 'email' } });
  forgetCachedPolicy(org.orgId);
  return org;
}

/** A support user signed in with its own TOTP, and an org with a member to impersonate. */
async function supportScene(clock: ReturnType<typeof testClock>) {
  const org = await newOrg();
  const support = await newUser(`Support desk ${org.name}`, 'support');
  const secret = await enrolTotp(await accessToken(support));
  clock.nextStep();
  const { accessToken: token } = await loginWithTotp(support, secret);
  clock.nextStep();
  return { ...org, support, secret, supportToken: token };
}

const policyChange = (key: WriteRoute, action: string, options: InvokeOptions, prepare?: (token: string) => Promise<unknown>): WriteRouteEntry => ({
  async setup() {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    await prepare?.(token);
    forgetCachedPolicy(org.orgId);
    const status = /^(POST|DELETE) \/(management|zitadel)/.test(key) ? 200 : 204;
    return { options: { token, ...options }, status, orgs: [org.orgId], events: [{ orgId: org.orgId, action, actorId: org.admin.userId }] };
  },
});

export const writeRoutes: Record<WriteRoute, WriteRouteEntry> = {
  'POST /api/auth/login': {
    async setup() {
      const { member, orgId } = await newOrg();
      return {
        options: { body: { email: member.email, password: member.password } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'login.password', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /api/auth/passkey/options': {
    unaudited: 'a passkey sign-in challenge is ephemeral, single-use state; the sign-in itself is audited',
    async setup() {
      const { orgId } = await newOrg();
      return { options: {}, status: 200, orgs: [orgId], events: [] };
    },
  },
  'POST /api/auth/passkey': {
    async setup() {
      const { admin, member, orgId } = await newOrg();
      await setPasswordless(admin);
      const { key } = await registerPasskey(await accessToken(member), new SoftAuthenticator(ORIGIN), { passkey: true });
      const options = await passkeyOptions();
      return {
        options: { body: { response: key.authenticate(options.body) } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'login.passkey', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /api/auth/refresh': {
    unaudited: 'rotating a refresh token continues a session whose start was audited',
    async setup() {
      const { member, orgId } = await newOrg();
      const { refreshToken } = await login(member);
      return { options: { body: { refreshToken } }, status: 200, orgs: [orgId], events: [] };
    },
  },
  'POST /api/auth/logout': {
    async setup() {
      const { member, orgId } = await newOrg();
      const token = await accessToken(member);
      return {
        options: { token },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'session.ended', actorId: member.userId, targetUserId: member.userId, details: { sid: decodeJwt(token).sid } }],
      };
    },
  },

  'POST /api/users': {
    async setup() {
      const { admin: creator, orgId } = await newOrg();
      return {
        options: { token: await accessToken(creator), body: { email: uniqueEmail('created'), role: 'admin' } },
        status: 201,
        orgs: [orgId],
        events: [{ orgId, action: 'user.created', actorId: creator.userId, details: { role: 'admin', status: 'invited' } }],
      };
    },
  },

  'POST /api/users/{id}/invitation': {
    async setup() {
      const { admin: creator, orgId } = await newOrg();
      const token = await accessToken(creator);
      const { user } = await invite(token, uniqueEmail('reinvited'));
      return {
        options: { token, params: { id: user.userId } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'user.invited', actorId: creator.userId, targetUserId: user.userId }],
      };
    },
  },
  'POST /api/auth/invitation/accept': {
    async setup() {
      const { admin: creator, orgId } = await newOrg();
      const { user, token } = await invite(await accessToken(creator), uniqueEmail('invited'));
      return {
        options: { body: { token, password: 'a long and unusual passphrase' } },
        status: 200,
        orgs: [orgId],
        events: [
          { orgId, action: 'user.invitation_accepted', actorId: user.userId, targetUserId: user.userId },
          { orgId, action: 'login.password', actorId: user.userId, targetUserId: user.userId },
        ],
      };
    },
  },
  'POST /api/auth/password': {
    async setup() {
      const { member, orgId } = await newOrg();
      return {
        options: { token: await accessToken(member), body: { currentPassword: member.password, newPassword: 'a long and unusual passphrase' } },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'password.changed', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /api/auth/password/forgot': {
    async setup() {
      const { member, orgId } = await newOrg();
      return {
        options: { body: { email: member.email } },
        status: 202,
        orgs: [orgId],
        events: [{ orgId, action: 'password.reset_requested', targetUserId: member.userId }],
      };
    },
  },
  'POST /api/auth/password/reset': {
    async setup() {
      const { member, orgId } = await newOrg();
      const token = await forgot(member.email);
      return {
        options: { body: { token, password: 'a long and unusual passphrase' } },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'password.reset', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },

  'PATCH /api/users/{id}': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      return {
        options: { token: await accessToken(orgAdmin), params: { id: member.userId }, body: { role: 'admin' } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'user.role_changed', actorId: orgAdmin.userId, targetUserId: member.userId, details: { from: 'member', to: 'admin' } }],
      };
    },
  },
  'POST /api/users/email/verify': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      const email = uniqueEmail('moved');
      await admin(await accessToken(orgAdmin), 'PATCH /api/users/{id}', { params: { id: member.userId }, body: { email } });
      const token = (await lastLink(email))!.searchParams.get('verify-email')!;
      return {
        options: { body: { token } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, targetUserId: member.userId, action: 'user.email_changed' }],
      };
    },
  },
  'POST /api/users/{id}/deactivate': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      return {
        options: { token: await accessToken(orgAdmin), params: { id: member.userId } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'user.deactivated', actorId: orgAdmin.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /api/users/{id}/reactivate': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      const token = await accessToken(orgAdmin);
      await admin(token, 'POST /api/users/{id}/deactivate', { params: { id: member.userId } });
      return {
        options: { token, params: { id: member.userId } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'user.reactivated', actorId: orgAdmin.userId, targetUserId: member.userId }],
      };
    },
  },
  'DELETE /api/users/{id}': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      return {
        options: { token: await accessToken(orgAdmin), params: { id: member.userId } },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'user.deleted', actorId: orgAdmin.userId, targetUserId: member.userId }],
      };
    },
  },
  'DELETE /api/auth/sessions/{sid}': {
    async setup() {
      const { member, orgId } = await newOrg();
      const other = decodeJwt(await accessToken(member)).sid as string;
      return {
        options: { token: await accessToken(member), params: { sid: other } },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'session.ended', actorId: member.userId, targetUserId: member.userId, details: { sid: other } }],
      };
    },
  },
  'DELETE /api/auth/sessions': {
    async setup() {
      const { member, orgId } = await newOrg();
      await accessToken(member);
      await accessToken(member);
      return {
        options: { token: await accessToken(member) },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'sessions.ended_others', actorId: member.userId, targetUserId: member.userId, details: { count: 2 } }],
      };
    },
  },

  'POST /api/users/import': {
    async setup() {
      const { admin: importer, orgId } = await newOrg();
      return {
        options: { token: await accessToken(importer), body: { users: [{ email: uniqueEmail('imported'), role: 'member' }] } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'user.imported', actorId: importer.userId, details: { role: 'member', password: 'none', factors: [] } }],
      };
    },
  },

  'PATCH /api/two-factor': {
    async setup() {
      const { member, orgId } = await newOrg();
      return {
        options: { token: await accessToken(member), body: { method: 'google', secret_key: SECRET } },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'factor.enrolled', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /api/two-factor/send-verification': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      await admin(await accessToken(orgAdmin), 'POST /api/settings/twofactor/{method}', { params: { method: 'sms' } });
      forgetCachedPolicy(orgId);
      const token = await accessToken(member);
      await admin(token, 'PATCH /api/two-factor', { body: { method: 'sms', phone_prefix: 45, phone: randomDanishMobile() } });
      return {
        options: { token },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'sms.code_sent', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /api/two-factor/email': {
    async setup() {
      const { member, orgId } = await orgAllowingEmail();
      return {
        options: { token: await accessToken(member), body: {} },
        status: 200,
        orgs: [orgId],
        events: [
          { orgId, action: 'factor.enrolled', actorId: member.userId, targetUserId: member.userId, details: { method: 'email' } },
          { orgId, action: 'email_code.sent', actorId: member.userId, targetUserId: member.userId },
        ],
      };
    },
  },
  'POST /api/two-factor/email/send': {
    async setup(clock) {
      const { member, orgId } = await orgAllowingEmail();
      const token = await accessToken(member);
      await admin(token, 'POST /api/two-factor/email', { body: {} });
      clock.advance(31); // past the per-user interval between sends
      return {
        options: { token },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'email_code.sent', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'DELETE /api/two-factor/email': {
    async setup(clock) {
      const scene = await memberWithTotp(clock);
      await admin(await accessToken(scene.admin), 'POST /api/settings/twofactor/{method}', { params: { method: 'email' } });
      forgetCachedPolicy(scene.orgId);
      await admin(scene.token, 'POST /api/two-factor/email', { body: {} });
      await admin(scene.token, 'POST /api/two-factor/verify', { body: { key: (await lastEmailCode(scene.member.email))! } });
      return {
        options: { token: scene.token, body: {} },
        status: 204,
        orgs: [scene.orgId],
        events: [{ orgId: scene.orgId, action: 'factor.removed', actorId: scene.member.userId, targetUserId: scene.member.userId, details: { method: 'email' } }],
      };
    },
  },
  'POST /api/two-factor/verify': {
    async setup() {
      const { member, orgId } = await newOrg();
      const token = await accessToken(member);
      await admin(token, 'PATCH /api/two-factor', { body: { method: 'google', secret_key: SECRET } });
      return {
        options: { token, body: { key: await totpCode(SECRET) } },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'factor.verified', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'DELETE /api/two-factor/sms': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      await admin(await accessToken(orgAdmin), 'POST /api/settings/twofactor/{method}', { params: { method: 'sms' } });
      forgetCachedPolicy(orgId);
      const token = await accessToken(member);
      await admin(token, 'PATCH /api/two-factor', { body: { method: 'sms', phone_prefix: 45, phone: randomDanishMobile() } });
      return {
        options: { token },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'factor.removed', actorId: member.userId, targetUserId: member.userId, details: { method: 'sms', country: '45' } }],
      };
    },
  },
  'POST /api/two-factor/webauthn/register/options': {
    unaudited: 'a registration challenge is ephemeral, single-use state; the registration itself is audited',
    async setup() {
      const { member, orgId } = await newOrg();
      return { options: { token: await accessToken(member) }, status: 200, orgs: [orgId], events: [] };
    },
  },
  'POST /api/two-factor/webauthn/register': {
    async setup() {
      const { member, orgId } = await newOrg();
      const token = await accessToken(member);
      const options = await admin(token, 'POST /api/two-factor/webauthn/register/options');
      const key = new SoftAuthenticator(ORIGIN);
      return {
        options: { token, body: { response: key.register(options.body), name: 'Desk key' } },
        status: 201,
        orgs: [orgId],
        events: [{ orgId, action: 'factor.verified', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'DELETE /api/two-factor/webauthn/{id}': {
    async setup(clock) {
      const scene = await memberWithTotp(clock);
      const key = await registerKey(scene.token);
      return {
        options: { token: scene.token, params: { id: key.id } },
        status: 204,
        orgs: [scene.orgId],
        events: [{ orgId: scene.orgId, action: 'factor.removed', actorId: scene.member.userId, targetUserId: scene.member.userId }],
      };
    },
  },
  'DELETE /api/two-factor/devices/{id}': {
    async setup(clock) {
      const scene = await memberWithDevice(clock);
      const { userId } = scene.member;
      return {
        options: { token: scene.accessToken, params: { id: scene.deviceId } },
        status: 204,
        orgs: [scene.orgId],
        events: [{ orgId: scene.orgId, action: 'device.forgotten', actorId: userId, targetUserId: userId, details: { deviceId: scene.deviceId } }],
      };
    },
  },
  'POST /api/two-factor/recovery-codes': {
    async setup(clock) {
      const scene = await memberWithTotp(clock);
      return {
        options: { token: scene.token, body: {} },
        status: 201,
        orgs: [scene.orgId],
        events: [{ orgId: scene.orgId, action: 'recovery.generated', actorId: scene.member.userId, targetUserId: scene.member.userId }],
      };
    },
  },
  'POST /api/users/{id}/two-factor/reset': {
    async setup() {
      const { admin: orgAdmin, member, orgId } = await newOrg();
      await enrolTotp(await accessToken(member));
      return {
        options: { token: await accessToken(orgAdmin), params: { id: member.userId } },
        status: 204,
        orgs: [orgId],
        events: [{ orgId, action: 'factor.reset_by_admin', actorId: orgAdmin.userId, targetUserId: member.userId }],
      };
    },
  },

  'POST /2fa/enable-two-factor-auth': {
    async setup() {
      const { member, orgId } = await newOrg();
      const token = await accessToken(member);
      const qr = await admin(token, 'GET /2fa/generate-qr');
      return {
        options: { token, body: { code: await totpCode(secretOf(qr.body.link)) } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'factor.verified', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /2fa/disable-two-factor-auth': {
    async setup(clock) {
      const scene = await memberWithTotp(clock);
      return {
        options: { token: scene.token, body: {} },
        status: 200,
        orgs: [scene.orgId],
        events: [{ orgId: scene.orgId, action: 'factor.removed', actorId: scene.member.userId, targetUserId: scene.member.userId }],
      };
    },
  },
  'POST /2fa/webauthn/options': {
    unaudited: 'a login challenge is ephemeral, single-use state; the login itself is audited',
    async setup() {
      const { member, orgId } = await newOrg();
      const token = await accessToken(member);
      await registerKey(token);
      return { options: { token }, status: 200, orgs: [orgId], events: [] };
    },
  },
  'POST /2fa/authenticate': {
    async setup(clock) {
      // A step-up: a full token from before enrolment proves the second factor.
      const { member, orgId } = await newOrg();
      const token = await accessToken(member);
      const secret = await enrolTotp(token);
      clock.nextStep();
      await login(member); // reads the org policy, as a login would just before: the process is warm
      return {
        options: { token, body: { code: await totpCode(secret) } },
        status: 200,
        orgs: [orgId],
        events: [{ orgId, action: 'login.two_factor', actorId: member.userId, targetUserId: member.userId }],
      };
    },
  },
  'POST /2fa/impersonate': {
    async setup(clock) {
      const scene = await supportScene(clock);
      const events = [scene.orgId, scene.support.orgId].map((orgId) => ({
        orgId,
        action: 'impersonation.started',
        actorId: scene.support.userId,
        targetUserId: scene.member.userId,
      }));
      return {
        options: { token: scene.supportToken, body: { userId: scene.member.userId, teamId: scene.orgId, code: await totpCode(scene.secret) } },
        status: 200,
        orgs: [scene.orgId, scene.support.orgId],
        events,
      };
    },
  },
  'POST /2fa/desimpersonation': {
    async setup(clock) {
      const scene = await supportScene(clock);
      const started = await admin(scene.supportToken, 'POST /2fa/impersonate', {
        body: { userId: scene.member.userId, teamId: scene.orgId, code: await totpCode(scene.secret) },
      });
      // The impersonation token acts as the member, with the support user as `act`.
      const events = [scene.orgId, scene.support.orgId].map((orgId) => ({
        orgId,
        action: 'impersonation.ended',
        actorId: scene.member.userId,
        targetUserId: scene.member.userId,
        details: { supportUserId: scene.support.userId },
      }));
      return { options: { token: started.body.accessToken }, status: 200, orgs: [scene.orgId, scene.support.orgId], events };
    },
  },

  'PATCH /api/settings/twofactor': policyChange('PATCH /api/settings/twofactor', 'policy.settings_changed', { body: { gracePeriodSeconds: 3600 } }),
  'POST /api/settings/twofactor/force': policyChange('POST /api/settings/twofactor/force', 'policy.forced', {}),
  'DELETE /api/settings/twofactor/force': policyChange('DELETE /api/settings/twofactor/force', 'policy.unforced', {}, (token) =>
    admin(token, 'POST /api/settings/twofactor/force'),
  ),
  'POST /api/settings/twofactor/{method}': policyChange('POST /api/settings/twofactor/{method}', 'policy.method_enabled', { params: { method: 'sms' } }),
  'DELETE /api/settings/twofactor/{method}': policyChange('DELETE /api/settings/twofactor/{method}', 'policy.method_disabled', { params: { method: 'google' } }),
  'POST /management/v1/policies/login/second_factors': policyChange('POST /management/v1/policies/login/second_factors', 'policy.method_enabled', {
    body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' },
  }),
  'DELETE /management/v1/policies/login/second_factors/{type}': policyChange(
    'DELETE /management/v1/policies/login/second_factors/{type}',
    'policy.method_disabled',
    { params: { type: 'SECOND_FACTOR_TYPE_OTP' } },
  ),
  'POST /management/v1/policies/login/second_factors/_search': {
    unaudited: 'a search reads the policy and changes nothing',
    async setup() {
      const org = await newOrg();
      return { options: { token: await accessToken(org.admin), body: {} }, status: 200, orgs: [org.orgId], events: [] };
    },
  },
  // The RPC routes, called in Connect's JSON form (the message's proto3 JSON).
  'POST /zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy': policyChange(
    'POST /zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy',
    'policy.method_enabled',
    { body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } },
  ),
  'POST /zitadel.management.v1.ManagementService/RemoveSecondFactorFromLoginPolicy': policyChange(
    'POST /zitadel.management.v1.ManagementService/RemoveSecondFactorFromLoginPolicy',
    'policy.method_disabled',
    { body: { type: 'SECOND_FACTOR_TYPE_OTP' } },
  ),
  'POST /zitadel.management.v1.ManagementService/ListLoginPolicySecondFactors': {
    unaudited: 'a list reads the policy and changes nothing',
    async setup() {
      const org = await newOrg();
      return { options: { token: await accessToken(org.admin), body: {} }, status: 200, orgs: [org.orgId], events: [] };
    },
  },
};

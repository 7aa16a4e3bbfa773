/**
 * The one route table. It drives the CDK stack (one function and one HTTP API route per entry), the
 * local server and /openapi.json. Handlers are named by file (relative to functions/, no extension)
 * rather than imported, so loading this table loads no handler code.
 */
import type { ZodMiniType } from 'zod/mini';
import * as s from './schemas';

/**
 * Who may call a route:
 * - public: anyone;
 * - pending: a pending-2FA login token (scope "2fa") or a full token;
 * - user: a full access token; admin: an org admin (or support, on any org); support: platform staff.
 */
export type Access = 'public' | 'pending' | 'user' | 'admin' | 'support';

/**
 * Error dialects: RFC 9457 problem details everywhere but Zitadel's management API, whose REST
 * gateway answers `{code, message, details}` and whose RPC paths answer gRPC-web trailers or
 * Connect's error JSON (functions/rpc.ts).
 */
export type Dialect = 'problem' | 'zitadel' | 'grpc';

export interface Route {
  handler: string;
  access: Access;
  summary: string;
  tag: string;
  /** Success status, for the OpenAPI document. */
  status?: number;
  body?: ZodMiniType;
  params?: ZodMiniType;
  query?: ZodMiniType;
  /** Sensitive routes refuse impersonation tokens. */
  sensitive?: boolean;
  /**
   * Every request that changes state proves the caller's session is live (functions/endpoint.ts):
   * by default with one consistent read before the handler; 'transaction' where every write the
   * route makes is one DynamoDB transaction, which then carries a ConditionCheck on the session.
   */
  sessionProof?: 'read' | 'transaction';
  /** The request's time budget where 'standard' is not right (BUDGETS). */
  budget?: Budget;
  /** Lambda memory in MB where the default (256) is not right. */
  memoryMb?: number;
  /** Table access the function gets (least privilege): default read-write. */
  table?: 'none' | 'read' | 'readwrite';
  /** Uses the data key (encrypts secrets, hashes codes or tokens, signs tokens): gets KMS unwrap. */
  secrets?: boolean;
  /** Sends SMS: gets sns:Publish. */
  sms?: boolean;
  /** Sends email: gets ses:SendEmail on the sender identity only. */
  email?: boolean;
  /** Also takes a pending password-reset token (the route that finishes a reset with a second factor). */
  finishesReset?: boolean;
  /**
   * This route's own API Gateway throttle (all clients together) instead of the stage's default:
   * the routes that check a credential or cost money per call get a smaller share (THROTTLES).
   */
  throttle?: Throttle;
}

/**
 * Time budgets in ms. A request still working when its budget is spent answers 503 with
 * Retry-After (functions/endpoint.ts caps every AWS call by it), well before the Lambda timeout,
 * which is the budget plus FUNCTION_TIMEOUT_MARGIN_MS (infra). The arithmetic: README, Failure behaviour.
 */
export const BUDGETS = {
  /** A handful of DynamoDB calls (and the data key from KMS on a cold start). */
  standard: 3000,
  /** scrypt (about 0.3 s of CPU at 1 GB) and three DynamoDB calls. */
  password: 5000,
  /** DynamoDB calls and an SNS Publish (hundreds of ms, two attempts of at most 3 s). */
  sms: 8000,
} as const;
export type Budget = keyof typeof BUDGETS;

/** What the Lambda timeout leaves above the budget: mapping the 503, logging, a slow last CPU step. */
export const FUNCTION_TIMEOUT_MARGIN_MS = 1000;

export const budgetOf = (route: Route): Budget => route.budget ?? (route.sms ? 'sms' : 'standard');

/** Requests per second (steady) and the burst API Gateway lets through, across all clients of a route. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * Route throttles tighter than the stage's default (100/s, burst 200): a flood of password or code
 * guesses, or of SMS sends, is cut at the API before it costs Lambda time (scrypt at 1 GB) or money
 * (each SMS), and cannot use up the stage's share that every other route needs.
 */
export const THROTTLES = {
  /** Checks a password or a second-factor code. */
  credential: { rateLimit: 50, burstLimit: 100 },
  /** Sends an SMS (each one is paid for). */
  sms: { rateLimit: 5, burstLimit: 10 },
} as const satisfies Record<string, Throttle>;

export const routes = {
  'GET /health': { handler: 'platform/health', access: 'public', tag: 'platform', summary: 'Liveness and table reachability', table: 'read' },
  'GET /openapi.json': { handler: 'platform/openapi', access: 'public', tag: 'platform', summary: 'This API as OpenAPI 3.1', table: 'none' },

  'POST /api/auth/login': {
    handler: 'auth/login',
    access: 'public',
    tag: 'auth',
    summary: 'Password login: full tokens, or a pending token when a second factor is needed',
    body: s.LoginBody,
    secrets: true,
    budget: 'password',
    // scrypt (N=2^17, r=8: 128 MiB) is one thread of CPU-bound work, and Lambda's CPU share grows
    // with memory up to one full vCPU at 1,769 MB: below that the hash's GB-seconds are the same at
    // any size and only its latency grows; above it nothing gets faster (README, Performance).
    memoryMb: 1769,
    throttle: THROTTLES.credential,
  },
  'POST /api/auth/passkey/options': {
    handler: 'auth/passkey-options',
    access: 'public',
    tag: 'auth',
    summary: 'Options for a passkey sign-in (passwordless; no account named: the browser offers the user’s passkeys)',
    throttle: THROTTLES.credential,
  },
  'POST /api/auth/passkey': {
    handler: 'auth/passkey',
    access: 'public',
    tag: 'auth',
    summary: 'Sign in with a passkey (its assertion, the user verified): full tokens, aal 2, amr ["hwk","user"]',
    body: s.PasskeySignInBody,
    secrets: true,
    throttle: THROTTLES.credential,
  },
  'POST /api/auth/refresh': {
    handler: 'auth/refresh',
    access: 'public',
    tag: 'auth',
    summary: 'Rotate a refresh token (a replayed one revokes its session)',
    body: s.RefreshBody,
    secrets: true,
  },
  'POST /api/auth/logout': {
    handler: 'auth/logout',
    access: 'user',
    sessionProof: 'transaction',
    tag: 'auth',
    summary: 'Revoke the current session',
    status: 204,
  },
  'GET /.well-known/jwks.json': {
    handler: 'auth/jwks',
    access: 'public',
    tag: 'auth',
    summary: 'Public keys that sign access tokens',
    table: 'read',
  },

  'POST /api/users': {
    handler: 'users/create',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'users',
    summary: 'Invite a user to the caller’s org (support: to any org): the user sets a password through the emailed link',
    status: 201,
    body: s.CreateUserBody,
    secrets: true,
    email: true,
  },
  'POST /api/users/{id}/invitation': {
    handler: 'users/reinvite',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'users',
    summary: 'Send an invited user a fresh invitation link (the previous one stops working)',
    params: s.IdParams,
    secrets: true,
    email: true,
  },
  'POST /api/auth/invitation/accept': {
    handler: 'auth/invitation-accept',
    access: 'public',
    tag: 'auth',
    summary: 'Accept an invitation: set the password, then the answer a login gives (tokens, or the second-factor step)',
    body: s.AcceptInvitationBody,
    secrets: true,
    // scrypt (see login) and the common-password list.
    budget: 'password',
    memoryMb: 1024,
    throttle: THROTTLES.credential,
  },
  'POST /api/auth/password': {
    handler: 'auth/password-change',
    access: 'user',
    sensitive: true,
    sessionProof: 'transaction',
    tag: 'auth',
    summary: 'Change the own password (the current one, and a recent second factor where the user has one); other sessions end',
    status: 204,
    body: s.ChangePasswordBody,
    secrets: true,
    budget: 'password',
    memoryMb: 1024,
    throttle: THROTTLES.credential,
  },
  'POST /api/auth/password/forgot': {
    handler: 'auth/password-forgot',
    access: 'public',
    tag: 'auth',
    summary: 'Email a password-reset link; 202 whether or not the address has an account',
    status: 202,
    body: s.ForgotPasswordBody,
    secrets: true,
    email: true,
    throttle: THROTTLES.sms,
  },
  'POST /api/auth/password/reset': {
    handler: 'auth/password-reset',
    access: 'public',
    tag: 'auth',
    summary: 'Set a new password from a reset link: 204, or the second-factor step that must finish it',
    body: s.ResetPasswordBody,
    secrets: true,
    budget: 'password',
    memoryMb: 1024,
    throttle: THROTTLES.credential,
  },
  'POST /api/users/import': {
    handler: 'users/import',
    access: 'admin',
    tag: 'users',
    summary: 'Import up to 25 users (README: Moving in): each row created, unchanged or refused with its reason',
    body: s.ImportUsersBody,
    // Sealing imported TOTP secrets uses the data key; a row without a password is invited by email.
    secrets: true,
    email: true,
  },
  'GET /api/users/{id}': {
    handler: 'users/get',
    access: 'user',
    tag: 'users',
    summary: 'A user (self, an admin of the user’s org, or support)',
    params: s.IdParams,
    table: 'read',
  },
  'GET /api/users': {
    handler: 'users/list',
    access: 'admin',
    tag: 'users',
    summary: 'The org’s users by id, a page at a time, optionally of one status (support: any org, `?org=`)',
    query: s.UsersQuery,
    table: 'read',
    secrets: true,
  },
  'PATCH /api/users/{id}': {
    handler: 'users/update',
    access: 'admin',
    sensitive: true,
    sessionProof: 'transaction',
    tag: 'users',
    summary: 'Change a user’s role (member ⇄ admin: their sessions end) or email (applies once the link sent to it is followed)',
    params: s.IdParams,
    body: s.UpdateUserBody,
    secrets: true,
    // The verification link of an email change.
    email: true,
  },
  'POST /api/users/email/verify': {
    handler: 'users/verify-email',
    access: 'public',
    tag: 'users',
    summary: 'Follow an email-change link: the user’s email is the new address from now on',
    body: s.EmailTokenBody,
    secrets: true,
  },
  'POST /api/users/{id}/deactivate': {
    handler: 'users/deactivate',
    access: 'admin',
    sensitive: true,
    tag: 'users',
    summary: 'Deactivate a user: every session ends; no login, refresh or token use until reactivated',
    params: s.IdParams,
  },
  'POST /api/users/{id}/reactivate': {
    handler: 'users/reactivate',
    access: 'admin',
    sensitive: true,
    sessionProof: 'transaction',
    tag: 'users',
    summary: 'Reactivate a deactivated user (they sign in again)',
    params: s.IdParams,
  },
  'DELETE /api/users/{id}': {
    handler: 'users/delete',
    access: 'admin',
    sensitive: true,
    tag: 'users',
    summary: 'Erase a user and every item they own; the audit trail keeps their id only',
    status: 204,
    params: s.IdParams,
  },

  'GET /api/auth/sessions': {
    handler: 'auth/sessions-list',
    access: 'user',
    tag: 'auth',
    summary: 'The caller’s live sessions (created, last used, user agent, IP, method; `current` marks this one)',
    table: 'read',
  },
  'DELETE /api/auth/sessions/{sid}': {
    handler: 'auth/sessions-end',
    access: 'user',
    sensitive: true,
    sessionProof: 'transaction',
    tag: 'auth',
    summary: 'End one of the caller’s sessions',
    status: 204,
    params: s.SessionParams,
  },
  'DELETE /api/auth/sessions': {
    handler: 'auth/sessions-end-others',
    access: 'user',
    sensitive: true,
    sessionProof: 'transaction',
    tag: 'auth',
    summary: 'Sign out everywhere else: every session of the caller but this one ends',
    status: 204,
  },

  // The current user's two-factor settings, Ziik dialect (seed 001). `pending` routes also take a
  // pending login token, so a user whose org forces 2FA can enrol before signing in.
  'GET /api/two-factor': {
    handler: 'ziik/two-factor-get',
    access: 'pending',
    tag: 'two-factor (Ziik)',
    summary: 'The current user’s two-factor settings (the secret only while unverified)',
    table: 'read',
    secrets: true,
  },
  'PATCH /api/two-factor': {
    handler: 'ziik/two-factor-update',
    access: 'pending',
    sessionProof: 'transaction',
    tag: 'two-factor (Ziik)',
    summary: 'Replace the settings: google (secret_key), sms (phone_prefix, phone) or "" to disable',
    status: 204,
    body: s.TwoFactorPatchBody,
    sensitive: true,
    secrets: true,
  },
  'GET /api/two-factor/qr': {
    handler: 'ziik/two-factor-qr',
    access: 'pending',
    tag: 'two-factor (Ziik)',
    summary: 'QR code (PNG data URI) of the unverified authenticator secret',
    table: 'read',
    secrets: true,
  },
  'GET /api/two-factor/secret': {
    handler: 'ziik/two-factor-secret',
    access: 'pending',
    tag: 'two-factor (Ziik)',
    summary: 'A fresh 160-bit authenticator secret (stored only when PATCHed back)',
    table: 'none',
  },
  'POST /api/two-factor/send-verification': {
    handler: 'ziik/send-verification',
    access: 'pending',
    sessionProof: 'transaction',
    tag: 'two-factor (Ziik)',
    summary: 'Send an SMS code to the user’s phone (enrolment, or a login with a pending token)',
    status: 204,
    secrets: true,
    sms: true,
    sensitive: true,
    throttle: THROTTLES.sms,
  },
  'POST /api/two-factor/email': {
    handler: 'email-codes/enrol',
    access: 'pending',
    sessionProof: 'transaction',
    tag: 'email codes',
    summary: 'Enrol email codes: the address (default: the account’s email) gets a code; POST /api/two-factor/verify with it enrols the factor',
    body: s.EmailEnrolBody,
    secrets: true,
    email: true,
    sensitive: true,
    throttle: THROTTLES.sms,
  },
  'POST /api/two-factor/email/send': {
    handler: 'email-codes/send',
    access: 'pending',
    sessionProof: 'transaction',
    tag: 'email codes',
    summary: 'Email a code to the user’s email factor (a login with a pending token, a step-up, or a resend while enrolling)',
    secrets: true,
    email: true,
    sensitive: true,
    throttle: THROTTLES.sms,
  },
  'DELETE /api/two-factor/email': {
    handler: 'email-codes/remove',
    access: 'user',
    sessionProof: 'transaction',
    tag: 'email codes',
    summary: 'Remove the email factor (needs a recent second factor or a code)',
    status: 204,
    body: s.OptionalCodeBody,
    sensitive: true,
    secrets: true,
  },
  'POST /api/two-factor/verify': {
    handler: 'ziik/two-factor-verify',
    access: 'pending',
    sessionProof: 'transaction',
    tag: 'two-factor (Ziik)',
    summary: 'Verify a code: 204 verifies the enrolled method; with a pending login token, 200 with tokens',
    body: s.VerifyKeyBody,
    secrets: true,
    sensitive: true,
    throttle: THROTTLES.credential,
  },
  'DELETE /api/two-factor/sms': {
    handler: 'ziik/sms-remove',
    access: 'user',
    sessionProof: 'transaction',
    tag: 'two-factor (Ziik)',
    summary: 'Remove the phone for text messages (a verified one needs a recent second factor or a code)',
    status: 204,
    body: s.OptionalCodeBody,
    sensitive: true,
    secrets: true,
  },
  'POST /api/two-factor/webauthn/register/options': {
    handler: 'keys/register-options',
    access: 'pending',
    sessionProof: 'transaction',
    tag: 'security keys',
    summary: 'Options to create a security key, or with {"passkey": true} a passkey (a single-use challenge, existing keys excluded)',
    body: s.KeyRegistrationOptionsBody,
    sensitive: true,
  },
  'POST /api/two-factor/webauthn/register': {
    handler: 'keys/register',
    access: 'pending',
    sessionProof: 'transaction',
    tag: 'security keys',
    summary: 'Register the key the browser created; with a pending login token it also finishes the login',
    status: 201,
    body: s.WebAuthnRegisterBody,
    secrets: true,
    sensitive: true,
  },
  'GET /api/two-factor/webauthn': {
    handler: 'keys/list',
    access: 'user',
    tag: 'security keys',
    summary: 'The user’s security keys and passkeys',
    table: 'read',
  },
  'DELETE /api/two-factor/webauthn/{id}': {
    handler: 'keys/remove',
    access: 'user',
    sessionProof: 'transaction',
    tag: 'security keys',
    summary: 'Remove a security key (needs a recent second factor or a code)',
    status: 204,
    params: s.CredentialParams,
    body: s.OptionalCodeBody,
    sensitive: true,
    secrets: true,
  },
  'GET /api/two-factor/devices': {
    handler: 'devices/list',
    access: 'user',
    tag: 'remembered devices',
    summary: 'The caller’s remembered devices (label, created, last used, expiry; `current` marks this browser’s), never a token',
    table: 'read',
  },
  'DELETE /api/two-factor/devices/{id}': {
    handler: 'devices/forget',
    access: 'user',
    sensitive: true,
    sessionProof: 'transaction',
    tag: 'remembered devices',
    summary: 'Forget one of the caller’s remembered devices: its token no longer skips the second step',
    status: 204,
    params: s.DeviceParams,
  },
  'POST /api/two-factor/recovery-codes': {
    handler: 'recovery/generate',
    access: 'user',
    sessionProof: 'transaction',
    tag: 'recovery codes',
    summary: '10 new single-use recovery codes, shown once, replacing the old ones (needs a recent second factor)',
    status: 201,
    body: s.OptionalCodeBody,
    sensitive: true,
    secrets: true,
  },
  'GET /api/two-factor/recovery-codes': {
    handler: 'recovery/count',
    access: 'user',
    tag: 'recovery codes',
    summary: 'How many recovery codes remain (never the codes)',
    table: 'read',
  },
  'POST /api/users/{id}/two-factor/reset': {
    handler: 'ziik/user-two-factor-reset',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'two-factor (Ziik)',
    summary: 'Remove all of a user’s second factors and end its sessions (admin of its org, or support)',
    status: 204,
    params: s.IdParams,
    sensitive: true,
  },

  // 2FA login, enable and disable (seed 002).
  'GET /2fa/generate-qr': {
    handler: 'twofa/generate-qr',
    access: 'pending',
    sessionProof: 'transaction',
    tag: '2fa',
    summary: 'Start authenticator enrolment: a new secret as a QR code and otpauth link',
    sensitive: true,
    secrets: true,
  },
  'POST /2fa/enable-two-factor-auth': {
    handler: 'twofa/enable',
    access: 'pending',
    sessionProof: 'transaction',
    tag: '2fa',
    summary: 'Verify the enrolled authenticator with a code and enable 2FA',
    body: s.CodeBody,
    secrets: true,
    sensitive: true,
    throttle: THROTTLES.credential,
  },
  'POST /2fa/disable-two-factor-auth': {
    handler: 'twofa/disable',
    access: 'user',
    sessionProof: 'transaction',
    tag: '2fa',
    summary: 'Disable 2FA (needs a recent second factor or a code)',
    body: s.OptionalCodeBody,
    sensitive: true,
    secrets: true,
  },
  'POST /2fa/webauthn/options': {
    handler: 'twofa/webauthn-options',
    access: 'pending',
    sessionProof: 'transaction',
    tag: '2fa',
    summary: 'Options for finishing a login (or a password reset) with a security key (a single-use challenge)',
    finishesReset: true,
  },
  'POST /2fa/authenticate': {
    handler: 'twofa/authenticate',
    access: 'pending',
    sessionProof: 'transaction',
    tag: '2fa',
    summary: 'Finish a login, or a password reset, with a second factor: a code (TOTP, SMS, email, recovery) or a WebAuthn assertion',
    body: s.AuthenticateBody,
    finishesReset: true,
    secrets: true,
    throttle: THROTTLES.credential,
  },
  'POST /2fa/impersonate': {
    handler: 'twofa/impersonate',
    access: 'support',
    sessionProof: 'transaction',
    tag: '2fa',
    summary: 'Support staff: act as a user (teamId = the user’s org), proven by your own second factor',
    body: s.ImpersonateBody,
    secrets: true,
    throttle: THROTTLES.credential,
  },
  'POST /2fa/desimpersonation': {
    handler: 'twofa/desimpersonation',
    access: 'user',
    tag: '2fa',
    summary: 'End the impersonation behind this token; answers the support user’s own tokens',
    secrets: true,
  },

  'GET /api/audit': {
    handler: 'audit/list',
    access: 'admin',
    tag: 'audit',
    summary: 'The org’s audit trail, newest first (support: any org with ?org=)',
    query: s.AuditQuery,
    table: 'read',
    // Pagination cursors carry an HMAC under a key derived from the data key.
    secrets: true,
  },

  // Organisation two-factor policy, Ziik dialect (seed 000): admin only, 204 on every change.
  'GET /api/settings/twofactor': {
    handler: 'ziik/settings-get',
    access: 'admin',
    tag: 'org policy (Ziik)',
    summary: 'The org’s two-factor policy',
    table: 'read',
  },
  'PATCH /api/settings/twofactor': {
    handler: 'ziik/settings-update',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'org policy (Ziik)',
    summary: 'Set the enrolment grace period, the second-factor check lifetime, SMS countries and 2FA required by role (roleRules)',
    status: 204,
    body: s.PolicySettingsBody,
  },
  'GET /api/settings/twofactor/users': {
    handler: 'ziik/enrolment-report',
    access: 'admin',
    tag: 'org policy (Ziik)',
    summary: 'The org’s users (?role= for one role), their enrolled methods, enrolment deadline and whether they satisfy the policy (paged)',
    query: s.EnrolmentReportQuery,
    table: 'read',
    // Pagination cursors carry an HMAC under a key derived from the data key.
    secrets: true,
  },
  'POST /api/settings/twofactor/force': {
    handler: 'ziik/force-enable',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'org policy (Ziik)',
    summary: 'Force two-factor authentication for all users of the org',
    status: 204,
  },
  'DELETE /api/settings/twofactor/force': {
    handler: 'ziik/force-disable',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'org policy (Ziik)',
    summary: 'Stop forcing two-factor authentication',
    status: 204,
  },
  'POST /api/settings/twofactor/{method}': {
    handler: 'ziik/method-enable',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'org policy (Ziik)',
    summary: 'Allow a method: google, sms, u2f or email (idempotent)',
    status: 204,
    params: s.ZiikMethodParams,
  },
  'DELETE /api/settings/twofactor/{method}': {
    handler: 'ziik/method-disable',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'org policy (Ziik)',
    summary: 'Disallow a method (idempotent)',
    status: 204,
    params: s.ZiikMethodParams,
  },

  // The same policy, Zitadel management API dialect (seed 003).
  'POST /management/v1/policies/login/second_factors': {
    handler: 'zitadel/second-factor-add',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'login policy (Zitadel)',
    summary: 'Add a second factor to the org’s login policy (x-zitadel-orgid selects the org)',
    body: s.ZitadelSecondFactorBody,
  },
  'DELETE /management/v1/policies/login/second_factors/{type}': {
    handler: 'zitadel/second-factor-remove',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'login policy (Zitadel)',
    summary: 'Remove a second factor from the org’s login policy',
    params: s.ZitadelSecondFactorParams,
  },
  'POST /management/v1/policies/login/second_factors/_search': {
    handler: 'zitadel/second-factors-search',
    access: 'admin',
    tag: 'login policy (Zitadel)',
    summary: 'List the second factors of the org’s login policy',
    body: s.ZitadelSearchBody,
    table: 'read',
  },

  // The same three methods at Zitadel's own RPC paths, as its client libraries call them: gRPC-web
  // (application/grpc-web+proto, application/grpc-web-text) and Connect unary (application/proto,
  // application/json). The body schema validates the request message's proto3 JSON form.
  'POST /zitadel.management.v1.ManagementService/ListLoginPolicySecondFactors': {
    handler: 'zitadel/rpc-list-second-factors',
    access: 'admin',
    tag: 'login policy (Zitadel gRPC-web, Connect)',
    summary: 'List the second factors of the org’s login policy (x-zitadel-orgid metadata selects the org)',
    body: s.ZitadelSearchBody,
    table: 'read',
  },
  'POST /zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy': {
    handler: 'zitadel/rpc-add-second-factor',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'login policy (Zitadel gRPC-web, Connect)',
    summary: 'Add a second factor to the org’s login policy',
    body: s.ZitadelSecondFactorBody,
  },
  'POST /zitadel.management.v1.ManagementService/RemoveSecondFactorFromLoginPolicy': {
    handler: 'zitadel/rpc-remove-second-factor',
    access: 'admin',
    sessionProof: 'transaction',
    tag: 'login policy (Zitadel gRPC-web, Connect)',
    summary: 'Remove a second factor from the org’s login policy',
    body: s.ZitadelSecondFactorBody,
  },
} as const satisfies Record<string, Route>;

export type RouteKey = keyof typeof routes;

export const routeEntries = (): Array<[RouteKey, Route]> => Object.entries(routes) as Array<[RouteKey, Route]>;

export function splitRouteKey(key: RouteKey): { method: string; path: string } {
  const [method, path] = key.split(' ') as [string, string];
  return { method, path };
}

export function dialectOf(key: string): Dialect {
  if (key.includes(' /zitadel.')) return 'grpc';
  return key.includes(' /management/v1/') ? 'zitadel' : 'problem';
}

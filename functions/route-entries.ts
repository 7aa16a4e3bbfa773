/**
 * The one route table: one export per route. It drives the CDK stack (one function and one HTTP API
 * route per entry), the local server and /openapi.json (all through functions/routes.ts, which
 * indexes it by key). Handlers are named by file (relative to functions/, no extension) rather than
 * imported, so loading the table loads no handler code; each handler imports its own entry, by the
 * camel-cased name of its file, and a function's bundle keeps that entry and its schemas alone (the
 * rest is dropped by esbuild: entries and schemas are side-effect free, throttles named, not read).
 */
import type { Route } from './route';
import * as s from './schemas';

export const platformHealth = { key: 'GET /health', handler: 'platform/health', access: 'public', tag: 'platform', summary: 'Liveness and table reachability', table: 'read' } as const satisfies Route;
export const platformOpenapi = { key: 'GET /openapi.json', handler: 'platform/openapi', access: 'public', tag: 'platform', summary: 'This API as OpenAPI 3.1', table: 'none' } as const satisfies Route;

export const authLogin = {
  key: 'POST /api/auth/login',
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
  throttle: 'credential',
} as const satisfies Route;

export const authPasskeyOptions = {
  key: 'POST /api/auth/passkey/options',
  handler: 'auth/passkey-options',
  access: 'public',
  tag: 'auth',
  summary: 'Options for a passkey sign-in (passwordless; no account named: the browser offers the user’s passkeys)',
  throttle: 'credential',
} as const satisfies Route;

export const authPasskey = {
  key: 'POST /api/auth/passkey',
  handler: 'auth/passkey',
  access: 'public',
  tag: 'auth',
  summary: 'Sign in with a passkey (its assertion, the user verified): full tokens, aal 2, amr ["hwk","user"]',
  body: s.PasskeySignInBody,
  secrets: true,
  throttle: 'credential',
} as const satisfies Route;

export const authRefresh = {
  key: 'POST /api/auth/refresh',
  handler: 'auth/refresh',
  access: 'public',
  tag: 'auth',
  summary: 'Rotate a refresh token (a replayed one revokes its session)',
  body: s.RefreshBody,
  secrets: true,
} as const satisfies Route;

export const authLogout = {
  key: 'POST /api/auth/logout',
  handler: 'auth/logout',
  access: 'user',
  sessionProof: 'transaction',
  tag: 'auth',
  summary: 'Revoke the current session',
  status: 204,
} as const satisfies Route;

export const authJwks = {
  key: 'GET /.well-known/jwks.json',
  handler: 'auth/jwks',
  access: 'public',
  tag: 'auth',
  summary: 'Public keys that sign access tokens',
  table: 'read',
} as const satisfies Route;

export const usersCreate = {
  key: 'POST /api/users',
  handler: 'users/create',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'users',
  summary: 'Invite a user to the caller’s org (support: to any org): the user sets a password through the emailed link',
  status: 201,
  body: s.CreateUserBody,
  secrets: true,
  email: true,
} as const satisfies Route;

export const usersReinvite = {
  key: 'POST /api/users/{id}/invitation',
  handler: 'users/reinvite',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'users',
  summary: 'Send an invited user a fresh invitation link (the previous one stops working)',
  params: s.IdParams,
  secrets: true,
  email: true,
} as const satisfies Route;

export const authInvitationAccept = {
  key: 'POST /api/auth/invitation/accept',
  handler: 'auth/invitation-accept',
  access: 'public',
  tag: 'auth',
  summary: 'Accept an invitation: set the password, then the answer a login gives (tokens, or the second-factor step)',
  body: s.AcceptInvitationBody,
  secrets: true,
  // scrypt (see login) and the common-password list.
  budget: 'password',
  memoryMb: 1024,
  throttle: 'credential',
} as const satisfies Route;

export const authPasswordChange = {
  key: 'POST /api/auth/password',
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
  throttle: 'credential',
} as const satisfies Route;

export const authPasswordForgot = {
  key: 'POST /api/auth/password/forgot',
  handler: 'auth/password-forgot',
  access: 'public',
  tag: 'auth',
  summary: 'Email a password-reset link; 202 whether or not the address has an account',
  status: 202,
  body: s.ForgotPasswordBody,
  secrets: true,
  email: true,
  throttle: 'message',
} as const satisfies Route;

export const authPasswordReset = {
  key: 'POST /api/auth/password/reset',
  handler: 'auth/password-reset',
  access: 'public',
  tag: 'auth',
  summary: 'Set a new password from a reset link: 204, or the second-factor step that must finish it',
  body: s.ResetPasswordBody,
  secrets: true,
  budget: 'password',
  memoryMb: 1024,
  throttle: 'credential',
} as const satisfies Route;

export const usersImport = {
  key: 'POST /api/users/import',
  handler: 'users/import',
  access: 'admin',
  tag: 'users',
  summary: 'Import up to 25 users (README: Moving in): each row created, unchanged or refused with its reason',
  body: s.ImportUsersBody,
  // Sealing imported TOTP secrets uses the data key; a row without a password is invited by email.
  secrets: true,
  email: true,
} as const satisfies Route;

export const usersGet = {
  key: 'GET /api/users/{id}',
  handler: 'users/get',
  access: 'user',
  tag: 'users',
  summary: 'A user (self, an admin of the user’s org, or support)',
  params: s.IdParams,
  table: 'read',
} as const satisfies Route;

export const usersList = {
  key: 'GET /api/users',
  handler: 'users/list',
  access: 'admin',
  tag: 'users',
  summary: 'The org’s users by id, a page at a time, optionally of one status (support: any org, `?org=`)',
  query: s.UsersQuery,
  table: 'read',
  secrets: true,
} as const satisfies Route;

export const usersUpdate = {
  key: 'PATCH /api/users/{id}',
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
} as const satisfies Route;

export const usersVerifyEmail = {
  key: 'POST /api/users/email/verify',
  handler: 'users/verify-email',
  access: 'public',
  tag: 'users',
  summary: 'Follow an email-change link: the user’s email is the new address from now on',
  body: s.EmailTokenBody,
  secrets: true,
} as const satisfies Route;

export const usersDeactivate = {
  key: 'POST /api/users/{id}/deactivate',
  handler: 'users/deactivate',
  access: 'admin',
  sensitive: true,
  tag: 'users',
  summary: 'Deactivate a user: every session ends; no login, refresh or token use until reactivated',
  params: s.IdParams,
} as const satisfies Route;

export const usersReactivate = {
  key: 'POST /api/users/{id}/reactivate',
  handler: 'users/reactivate',
  access: 'admin',
  sensitive: true,
  sessionProof: 'transaction',
  tag: 'users',
  summary: 'Reactivate a deactivated user (they sign in again)',
  params: s.IdParams,
} as const satisfies Route;

export const usersDelete = {
  key: 'DELETE /api/users/{id}',
  handler: 'users/delete',
  access: 'admin',
  sensitive: true,
  tag: 'users',
  summary: 'Erase a user and every item they own; the audit trail keeps their id only',
  status: 204,
  params: s.IdParams,
} as const satisfies Route;

export const authSessionsList = {
  key: 'GET /api/auth/sessions',
  handler: 'auth/sessions-list',
  access: 'user',
  tag: 'auth',
  summary: 'The caller’s live sessions (created, last used, user agent, IP, method; `current` marks this one)',
  table: 'read',
} as const satisfies Route;

export const authSessionsEnd = {
  key: 'DELETE /api/auth/sessions/{sid}',
  handler: 'auth/sessions-end',
  access: 'user',
  sensitive: true,
  sessionProof: 'transaction',
  tag: 'auth',
  summary: 'End one of the caller’s sessions',
  status: 204,
  params: s.SessionParams,
} as const satisfies Route;

export const authSessionsEndOthers = {
  key: 'DELETE /api/auth/sessions',
  handler: 'auth/sessions-end-others',
  access: 'user',
  sensitive: true,
  sessionProof: 'transaction',
  tag: 'auth',
  summary: 'Sign out everywhere else: every session of the caller but this one ends',
  status: 204,
} as const satisfies Route;

// The current user's two-factor settings, Ziik dialect (seed 001). `pending` routes also take a
// pending login token, so a user whose org forces 2FA can enrol before signing in.
export const ziikTwoFactorGet = {
  key: 'GET /api/two-factor',
  handler: 'ziik/two-factor-get',
  access: 'pending',
  tag: 'two-factor (Ziik)',
  summary: 'The current user’s two-factor settings (the secret only while unverified)',
  table: 'read',
  secrets: true,
} as const satisfies Route;

export const ziikTwoFactorUpdate = {
  key: 'PATCH /api/two-factor',
  handler: 'ziik/two-factor-update',
  access: 'pending',
  sessionProof: 'transaction',
  tag: 'two-factor (Ziik)',
  summary: 'Replace the settings: google (secret_key), sms (phone_prefix, phone) or "" to disable',
  status: 204,
  body: s.TwoFactorPatchBody,
  sensitive: true,
  secrets: true,
} as const satisfies Route;

export const ziikTwoFactorQr = {
  key: 'GET /api/two-factor/qr',
  handler: 'ziik/two-factor-qr',
  access: 'pending',
  tag: 'two-factor (Ziik)',
  summary: 'QR code (PNG data URI) of the unverified authenticator secret',
  table: 'read',
  secrets: true,
} as const satisfies Route;

export const ziikTwoFactorSecret = {
  key: 'GET /api/two-factor/secret',
  handler: 'ziik/two-factor-secret',
  access: 'pending',
  tag: 'two-factor (Ziik)',
  summary: 'A fresh 160-bit authenticator secret (stored only when PATCHed back)',
  table: 'none',
} as const satisfies Route;

export const ziikSendVerification = {
  key: 'POST /api/two-factor/send-verification',
  handler: 'ziik/send-verification',
  access: 'pending',
  sessionProof: 'transaction',
  tag: 'two-factor (Ziik)',
  summary: 'Send an SMS code to the user’s phone (enrolment, or a login with a pending token)',
  status: 204,
  secrets: true,
  sms: true,
  sensitive: true,
  throttle: 'message',
} as const satisfies Route;

export const emailCodesEnrol = {
  key: 'POST /api/two-factor/email',
  handler: 'email-codes/enrol',
  access: 'pending',
  sessionProof: 'transaction',
  tag: 'email codes',
  summary: 'Enrol email codes: the address (default: the account’s email) gets a code; POST /api/two-factor/verify with it enrols the factor',
  body: s.EmailEnrolBody,
  secrets: true,
  email: true,
  sensitive: true,
  throttle: 'message',
} as const satisfies Route;

export const emailCodesSend = {
  key: 'POST /api/two-factor/email/send',
  handler: 'email-codes/send',
  access: 'pending',
  sessionProof: 'transaction',
  tag: 'email codes',
  summary: 'Email a code to the user’s email factor (a login with a pending token, a step-up, or a resend while enrolling)',
  secrets: true,
  email: true,
  sensitive: true,
  throttle: 'message',
} as const satisfies Route;

export const emailCodesRemove = {
  key: 'DELETE /api/two-factor/email',
  handler: 'email-codes/remove',
  access: 'user',
  sessionProof: 'transaction',
  tag: 'email codes',
  summary: 'Remove the email factor (needs a recent second factor or a code)',
  status: 204,
  body: s.OptionalCodeBody,
  sensitive: true,
  secrets: true,
} as const satisfies Route;

export const ziikTwoFactorVerify = {
  key: 'POST /api/two-factor/verify',
  handler: 'ziik/two-factor-verify',
  access: 'pending',
  sessionProof: 'transaction',
  tag: 'two-factor (Ziik)',
  summary: 'Verify a code: 204 verifies the enrolled method; with a pending login token, 200 with tokens',
  body: s.VerifyKeyBody,
  secrets: true,
  sensitive: true,
  throttle: 'credential',
} as const satisfies Route;

export const ziikSmsRemove = {
  key: 'DELETE /api/two-factor/sms',
  handler: 'ziik/sms-remove',
  access: 'user',
  sessionProof: 'transaction',
  tag: 'two-factor (Ziik)',
  summary: 'Remove the phone for text messages (a verified one needs a recent second factor or a code)',
  status: 204,
  body: s.OptionalCodeBody,
  sensitive: true,
  secrets: true,
} as const satisfies Route;

export const keysRegisterOptions = {
  key: 'POST /api/two-factor/webauthn/register/options',
  handler: 'keys/register-options',
  access: 'pending',
  sessionProof: 'transaction',
  tag: 'security keys',
  summary: 'Options to create a security key, or with {"passkey": true} a passkey (a single-use challenge, existing keys excluded)',
  body: s.KeyRegistrationOptionsBody,
  sensitive: true,
} as const satisfies Route;

export const keysRegister = {
  key: 'POST /api/two-factor/webauthn/register',
  handler: 'keys/register',
  access: 'pending',
  sessionProof: 'transaction',
  tag: 'security keys',
  summary: 'Register the key the browser created; with a pending login token it also finishes the login',
  status: 201,
  body: s.WebAuthnRegisterBody,
  secrets: true,
  sensitive: true,
} as const satisfies Route;

export const keysList = {
  key: 'GET /api/two-factor/webauthn',
  handler: 'keys/list',
  access: 'user',
  tag: 'security keys',
  summary: 'The user’s security keys and passkeys',
  table: 'read',
} as const satisfies Route;

export const keysRemove = {
  key: 'DELETE /api/two-factor/webauthn/{id}',
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
} as const satisfies Route;

export const devicesList = {
  key: 'GET /api/two-factor/devices',
  handler: 'devices/list',
  access: 'user',
  tag: 'remembered devices',
  summary: 'The caller’s remembered devices (label, created, last used, expiry; `current` marks this browser’s), never a token',
  table: 'read',
} as const satisfies Route;

export const devicesForget = {
  key: 'DELETE /api/two-factor/devices/{id}',
  handler: 'devices/forget',
  access: 'user',
  sensitive: true,
  sessionProof: 'transaction',
  tag: 'remembered devices',
  summary: 'Forget one of the caller’s remembered devices: its token no longer skips the second step',
  status: 204,
  params: s.DeviceParams,
} as const satisfies Route;

export const recoveryGenerate = {
  key: 'POST /api/two-factor/recovery-codes',
  handler: 'recovery/generate',
  access: 'user',
  sessionProof: 'transaction',
  tag: 'recovery codes',
  summary: '10 new single-use recovery codes, shown once, replacing the old ones (needs a recent second factor)',
  status: 201,
  body: s.OptionalCodeBody,
  sensitive: true,
  secrets: true,
} as const satisfies Route;

export const recoveryCount = {
  key: 'GET /api/two-factor/recovery-codes',
  handler: 'recovery/count',
  access: 'user',
  tag: 'recovery codes',
  summary: 'How many recovery codes remain (never the codes)',
  table: 'read',
} as const satisfies Route;

export const ziikUserTwoFactorReset = {
  key: 'POST /api/users/{id}/two-factor/reset',
  handler: 'ziik/user-two-factor-reset',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'two-factor (Ziik)',
  summary: 'Remove all of a user’s second factors and end its sessions (admin of its org, or support)',
  status: 204,
  params: s.IdParams,
  sensitive: true,
} as const satisfies Route;

// 2FA login, enable and disable (seed 002).
export const twofaGenerateQr = {
  key: 'GET /2fa/generate-qr',
  handler: 'twofa/generate-qr',
  access: 'pending',
  sessionProof: 'transaction',
  tag: '2fa',
  summary: 'Start authenticator enrolment: a new secret as a QR code and otpauth link',
  sensitive: true,
  secrets: true,
} as const satisfies Route;

export const twofaEnable = {
  key: 'POST /2fa/enable-two-factor-auth',
  handler: 'twofa/enable',
  access: 'pending',
  sessionProof: 'transaction',
  tag: '2fa',
  summary: 'Verify the enrolled authenticator with a code and enable 2FA',
  body: s.CodeBody,
  secrets: true,
  sensitive: true,
  throttle: 'credential',
} as const satisfies Route;

export const twofaDisable = {
  key: 'POST /2fa/disable-two-factor-auth',
  handler: 'twofa/disable',
  access: 'user',
  sessionProof: 'transaction',
  tag: '2fa',
  summary: 'Disable 2FA (needs a recent second factor or a code)',
  body: s.OptionalCodeBody,
  sensitive: true,
  secrets: true,
} as const satisfies Route;

export const twofaWebauthnOptions = {
  key: 'POST /2fa/webauthn/options',
  handler: 'twofa/webauthn-options',
  access: 'pending',
  sessionProof: 'transaction',
  tag: '2fa',
  summary: 'Options for finishing a login (or a password reset) with a security key (a single-use challenge)',
  finishesReset: true,
} as const satisfies Route;

export const twofaAuthenticate = {
  key: 'POST /2fa/authenticate',
  handler: 'twofa/authenticate',
  access: 'pending',
  sessionProof: 'transaction',
  tag: '2fa',
  summary: 'Finish a login, or a password reset, with a second factor: a code (TOTP, SMS, email, recovery) or a WebAuthn assertion',
  body: s.AuthenticateBody,
  finishesReset: true,
  secrets: true,
  throttle: 'credential',
} as const satisfies Route;

export const twofaImpersonate = {
  key: 'POST /2fa/impersonate',
  handler: 'twofa/impersonate',
  access: 'support',
  sessionProof: 'transaction',
  tag: '2fa',
  summary: 'Support staff: act as a user (teamId = the user’s org), proven by your own second factor',
  body: s.ImpersonateBody,
  secrets: true,
  throttle: 'credential',
} as const satisfies Route;

export const twofaDesimpersonation = {
  key: 'POST /2fa/desimpersonation',
  handler: 'twofa/desimpersonation',
  access: 'user',
  tag: '2fa',
  summary: 'End the impersonation behind this token; answers the support user’s own tokens',
  secrets: true,
} as const satisfies Route;

export const auditList = {
  key: 'GET /api/audit',
  handler: 'audit/list',
  access: 'admin',
  tag: 'audit',
  summary: 'The org’s audit trail, newest first (support: any org with ?org=)',
  query: s.AuditQuery,
  table: 'read',
  // Pagination cursors carry an HMAC under a key derived from the data key.
  secrets: true,
} as const satisfies Route;

// Organisation two-factor policy, Ziik dialect (seed 000): admin only, 204 on every change.
export const ziikSettingsGet = {
  key: 'GET /api/settings/twofactor',
  handler: 'ziik/settings-get',
  access: 'admin',
  tag: 'org policy (Ziik)',
  summary: 'The org’s two-factor policy',
  table: 'read',
} as const satisfies Route;

export const ziikSettingsUpdate = {
  key: 'PATCH /api/settings/twofactor',
  handler: 'ziik/settings-update',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'org policy (Ziik)',
  summary: 'Set the enrolment grace period, the second-factor check lifetime, SMS countries and 2FA required by role (roleRules)',
  status: 204,
  body: s.PolicySettingsBody,
} as const satisfies Route;

export const ziikEnrolmentReport = {
  key: 'GET /api/settings/twofactor/users',
  handler: 'ziik/enrolment-report',
  access: 'admin',
  tag: 'org policy (Ziik)',
  summary: 'The org’s users (?role= for one role), their enrolled methods, enrolment deadline and whether they satisfy the policy (paged)',
  query: s.EnrolmentReportQuery,
  table: 'read',
  // Pagination cursors carry an HMAC under a key derived from the data key.
  secrets: true,
} as const satisfies Route;

export const ziikForceEnable = {
  key: 'POST /api/settings/twofactor/force',
  handler: 'ziik/force-enable',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'org policy (Ziik)',
  summary: 'Force two-factor authentication for all users of the org',
  status: 204,
} as const satisfies Route;

export const ziikForceDisable = {
  key: 'DELETE /api/settings/twofactor/force',
  handler: 'ziik/force-disable',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'org policy (Ziik)',
  summary: 'Stop forcing two-factor authentication',
  status: 204,
} as const satisfies Route;

export const ziikMethodEnable = {
  key: 'POST /api/settings/twofactor/{method}',
  handler: 'ziik/method-enable',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'org policy (Ziik)',
  summary: 'Allow a method: google, sms, u2f or email (idempotent)',
  status: 204,
  params: s.ZiikMethodParams,
} as const satisfies Route;

export const ziikMethodDisable = {
  key: 'DELETE /api/settings/twofactor/{method}',
  handler: 'ziik/method-disable',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'org policy (Ziik)',
  summary: 'Disallow a method (idempotent)',
  status: 204,
  params: s.ZiikMethodParams,
} as const satisfies Route;

// The same policy, Zitadel management API dialect (seed 003).
export const zitadelSecondFactorAdd = {
  key: 'POST /management/v1/policies/login/second_factors',
  handler: 'zitadel/second-factor-add',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'login policy (Zitadel)',
  summary: 'Add a second factor to the org’s login policy (x-zitadel-orgid selects the org)',
  body: s.ZitadelSecondFactorBody,
} as const satisfies Route;

export const zitadelSecondFactorRemove = {
  key: 'DELETE /management/v1/policies/login/second_factors/{type}',
  handler: 'zitadel/second-factor-remove',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'login policy (Zitadel)',
  summary: 'Remove a second factor from the org’s login policy',
  params: s.ZitadelSecondFactorParams,
} as const satisfies Route;

export const zitadelSecondFactorsSearch = {
  key: 'POST /management/v1/policies/login/second_factors/_search',
  handler: 'zitadel/second-factors-search',
  access: 'admin',
  tag: 'login policy (Zitadel)',
  summary: 'List the second factors of the org’s login policy',
  body: s.ZitadelSearchBody,
  table: 'read',
} as const satisfies Route;

// The same three methods at Zitadel's own RPC paths, as its client libraries call them: gRPC-web
// (application/grpc-web+proto, application/grpc-web-text) and Connect unary (application/proto,
// application/json). The body schema validates the request message's proto3 JSON form.
export const zitadelRpcListSecondFactors = {
  key: 'POST /zitadel.management.v1.ManagementService/ListLoginPolicySecondFactors',
  handler: 'zitadel/rpc-list-second-factors',
  access: 'admin',
  tag: 'login policy (Zitadel gRPC-web, Connect)',
  summary: 'List the second factors of the org’s login policy (x-zitadel-orgid metadata selects the org)',
  body: s.ZitadelSearchBody,
  table: 'read',
} as const satisfies Route;

export const zitadelRpcAddSecondFactor = {
  key: 'POST /zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy',
  handler: 'zitadel/rpc-add-second-factor',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'login policy (Zitadel gRPC-web, Connect)',
  summary: 'Add a second factor to the org’s login policy',
  body: s.ZitadelSecondFactorBody,
} as const satisfies Route;

export const zitadelRpcRemoveSecondFactor = {
  key: 'POST /zitadel.management.v1.ManagementService/RemoveSecondFactorFromLoginPolicy',
  handler: 'zitadel/rpc-remove-second-factor',
  access: 'admin',
  sessionProof: 'transaction',
  tag: 'login policy (Zitadel gRPC-web, Connect)',
  summary: 'Remove a second factor from the org’s login policy',
  body: s.ZitadelSecondFactorBody,
} as const satisfies Route;

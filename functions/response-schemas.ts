/**
 * Response shapes of the routes the self-service page calls. The page imports their types only
 * (`import type`, so no zod reaches its bundle); test/integration/response-schemas.test.ts parses
 * what the handlers really answer with them, so a change on either side fails a test. Apart from
 * schemas.ts, so that handlers, which bundle the request schemas, do not carry these too.
 */
import * as z from 'zod/mini';
import { ZiikMethod } from './schemas';

/** RFC 9457 problem details, as shared/http/problem.ts writes them. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  code: z.string(),
  instance: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

export const TokensResponse = z.strictObject({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number(),
});

export const LoginResponse = z.union([
  z.extend(TokensResponse, {
    isTwoFactorEnable: z.literal(false),
    /** 2FA is forced and the user has none yet, within the grace period: enrol by `enrolBy`. */
    twoFactorSetupRequired: z.optional(z.literal(true)),
    enrolBy: z.optional(z.string()),
  }),
  z.strictObject({
    twoFactorRequired: z.literal(true),
    pendingToken: z.string(),
    expiresIn: z.number(),
    /** The factors the user may finish with (shared/factors' kinds: totp, sms, webauthn, recovery). */
    methods: z.array(z.string()),
    /** 2FA is forced and nothing is enrolled: the pending token may only enrol a factor. */
    twoFactorSetupRequired: z.optional(z.literal(true)),
    /** The org lets a device be remembered for this many days: `rememberDevice` at /2fa/authenticate. */
    rememberDeviceDays: z.optional(z.number()),
  }),
]);

/** POST /api/auth/passkey: full tokens (aal 2, amr ["hwk","user"]). */
export const PasskeySignInResponse = TokensResponse;

export const AuthenticateResponse = z.extend(TokensResponse, {
  isTwoFactorEnable: z.literal(true),
  /** Present when a recovery code was used. */
  recoveryCodesRemaining: z.optional(z.number()),
  /**
   * Present when the device was remembered (asked, and the org allows it), also set as the __Host-device
   * cookie; absent for the page's own request (Sec-Fetch-Site: same-origin), which gets the cookie only.
   */
  deviceToken: z.optional(z.string()),
  deviceId: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
});

/** GET /api/two-factor/devices: the caller's remembered devices (never a token). */
export const Device = z.strictObject({
  id: z.string(),
  label: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.optional(z.string()),
  expiresAt: z.string(),
  /** The device this request came from (its cookie). */
  current: z.boolean(),
});

export const DevicesResponse = z.strictObject({ data: z.array(Device) });

export const EnableTwoFactorResponse = z.strictObject({
  message: z.string(),
  description: z.string(),
  /** With a pending login token (2FA forced, enrolling), enabling also finishes the login. */
  accessToken: z.optional(z.string()),
  refreshToken: z.optional(z.string()),
});

/** Where an email code went (masked) and how long it lives. */
export const EmailCodeSentResponse = z.strictObject({ sentTo: z.string(), expiresIn: z.number() });

export const QrResponse = z.strictObject({ qrCode: z.string(), link: z.string() });

export const TwoFactorSettingsResponse = z.strictObject({
  data: z.strictObject({
    method: z.nullable(ZiikMethod),
    /** Only while the authenticator app is not verified. */
    secret_key: z.nullable(z.string()),
    phone_prefix: z.nullable(z.number()),
    /** Masked. */
    phone: z.nullable(z.string()),
    verified: z.boolean(),
    methods: z.array(z.union([ZiikMethod, z.literal('recovery')])),
    /** The methods the org's policy allows. */
    allowed_methods: z.array(ZiikMethod),
    /** The country calling codes SMS may go to (digits, no +); null: any. */
    sms_country_codes: z.nullable(z.array(z.string())),
  }),
});

export const SecurityKey = z.strictObject({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
  /** Usable for passkey sign-in (registered with {"passkey": true}, the user verified); else a second factor only. */
  passkey: z.boolean(),
});

export const SecurityKeysResponse = z.strictObject({ data: z.array(SecurityKey) });

/** With a pending login token (2FA forced, enrolling), registering also finishes the login: tokens. */
export const KeyRegisteredResponse = z.extend(z.partial(TokensResponse), {
  data: SecurityKey,
  isTwoFactorEnable: z.optional(z.literal(true)),
});

export const RecoveryCountResponse = z.strictObject({ data: z.strictObject({ remaining: z.number() }) });

export const RecoveryCodesResponse = z.strictObject({ data: z.strictObject({ codes: z.array(z.string()) }) });

/** An invitation's link: when it stops working, and whether the email went out (else: re-invite). */
export const Invitation = z.strictObject({ expiresAt: z.string(), emailSent: z.boolean() });

/** POST /api/users: the invited user (no password: the user sets it through the link). */
export const InvitedUserResponse = z.strictObject({
  user: z.strictObject({
    userId: z.number(),
    orgId: z.number(),
    email: z.string(),
    role: z.enum(['member', 'admin', 'support']),
    createdAt: z.string(),
    status: z.literal('invited'),
  }),
  invitation: Invitation,
});

/** POST /api/users/{id}/invitation. */
export const ReinviteResponse = z.strictObject({ invitation: Invitation });

/** POST /api/auth/password/reset for a user with a second factor (without one: 204, the password set). */
export const ResetPendingResponse = z.strictObject({
  twoFactorRequired: z.literal(true),
  /** Scope "reset": only POST /2fa/authenticate (and /2fa/webauthn/options) take it. */
  pendingToken: z.string(),
  expiresIn: z.number(),
  methods: z.array(z.string()),
});

/** POST /2fa/authenticate with a pending reset token: the new password is set; sign in with it. */
export const ResetFinishedResponse = z.strictObject({ passwordReset: z.literal(true) });

/** GET /api/auth/sessions: the caller's live sessions (the page lists them with "sign out"). */
export const SessionsResponse = z.strictObject({
  sessions: z.array(
    z.strictObject({
      id: z.string(),
      createdAt: z.string(),
      lastUsedAt: z.string(),
      userAgent: z.nullable(z.string()),
      ip: z.nullable(z.string()),
      method: z.enum(['password', 'totp', 'sms', 'webauthn', 'passkey', 'recovery', 'email', 'device', 'impersonation']),
      current: z.boolean(),
    }),
  ),
});

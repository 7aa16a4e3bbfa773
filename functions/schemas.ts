/**
 * Request schemas of every route: the handlers validate with them and /openapi.json is generated
 * from them. Shape errors are 400s; meaning errors (a weak secret, an impossible phone number) are
 * the domain's 422s.
 *
 * zod/mini, not classic zod: every handler bundles these, and classic zod alone is ~450 KB and
 * ~30 ms of cold start; mini is ~20 KB (measured by `npm run bench`).
 */
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

// English messages for the issues we do not word ourselves.
z.config(en());

const email = z.pipe(
  z.string().check(z.trim(), z.toLowerCase()),
  z.email({ message: 'must be an email address' }).check(z.maxLength(254)),
);
const positiveInt = (message = 'must be a positive integer') =>
  z.coerce.number({ message }).check(z.refine((n) => Number.isSafeInteger(n) && n > 0, { message }));
const id = positiveInt();
/** A one-time code as the user typed it: digits (TOTP, SMS) or a recovery code. */
const code = z.string({ message: 'must be a string (keep leading zeros)' }).check(z.trim(), z.minLength(1, 'is required'), z.maxLength(64));

export const IdParams = z.object({ id });

export const LoginBody = z.object({
  email,
  password: z.string().check(z.minLength(1, 'is required'), z.maxLength(1024)),
});

export const RefreshBody = z.object({
  refreshToken: z.string().check(z.minLength(1, 'is required'), z.maxLength(512)),
});

export const Role = z.enum(['member', 'admin', 'support'], { message: 'must be one of: member, admin, support' });

export const CreateUserBody = z.object({
  email,
  role: z._default(Role, 'member'),
  /** Support only: the org to create the user in. Admins always create in their own org. */
  orgId: z.optional(id),
  /** Optional initial password; when absent one is generated and returned once. */
  password: z.optional(z.string().check(z.minLength(12, 'must be at least 12 characters'), z.maxLength(1024))),
});

/** Ziik's method names, as the seed spells them (`u2f`: security keys and passkeys). */
export const ziikMethodNames = { google: 'totp', sms: 'sms', u2f: 'webauthn' } as const;
const ziikMethod = z.enum(['google', 'sms', 'u2f'], { message: 'must be one of: google, sms, u2f' });
export const ZiikMethodParams = z.object({
  method: z.pipe(
    ziikMethod,
    z.transform((m: keyof typeof ziikMethodNames) => ziikMethodNames[m]),
  ),
});

export const PolicySettingsBody = z
  .object({
    gracePeriodSeconds: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(90 * 24 * 3600))),
    checkLifetimeSeconds: z.optional(z.number().check(z.int(), z.minimum(60), z.maximum(24 * 3600))),
    /** Country calling codes SMS may go to; null allows every code the deployment allows. */
    smsCountryCodes: z.optional(
      z.nullable(z.array(z.string().check(z.regex(/^[1-9]\d{0,2}$/, 'must be a country calling code such as "45"'))).check(z.maxLength(250))),
    ),
  })
  .check(
    z.refine((v) => Object.values(v).some((x) => x !== undefined), {
      message: 'name at least one of gracePeriodSeconds, checkLifetimeSeconds, smsCountryCodes',
    }),
  );

export const PageQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(1024))),
});

/** Zitadel's second factor types and the policy methods they stand for. */
export const zitadelTypes = {
  SECOND_FACTOR_TYPE_OTP: 'totp',
  SECOND_FACTOR_TYPE_U2F: 'webauthn',
  SECOND_FACTOR_TYPE_OTP_SMS: 'sms',
  SECOND_FACTOR_TYPE_OTP_EMAIL: 'email',
} as const;
type ZitadelType = keyof typeof zitadelTypes;
const zitadelType = z.pipe(
  z.enum(Object.keys(zitadelTypes) as [ZitadelType, ...ZitadelType[]], {
    message: `must be one of: ${Object.keys(zitadelTypes).join(', ')} (SECOND_FACTOR_TYPE_UNSPECIFIED is not a factor)`,
  }),
  z.transform((t: ZitadelType) => zitadelTypes[t]),
);

export const ZitadelSecondFactorBody = z.object({ type: zitadelType });
export const ZitadelSecondFactorParams = z.object({ type: zitadelType });
/** Zitadel's list request takes an optional query we have no use for. */
export const ZitadelSearchBody = z.optional(z.object({}));

export const VerifyKeyBody = z.object({ key: code });
export const CodeBody = z.object({ code });
export const OptionalCodeBody = z.optional(z.object({ code: z.optional(code) }));

export const TwoFactorPatchBody = z
  .object({
    method: z.enum(['google', 'sms', ''], { message: "must be 'google', 'sms' or '' (disable)" }),
    secret_key: z.optional(z.string().check(z.maxLength(256))),
    phone_prefix: z.optional(
      z.union([z.number().check(z.int(), z.positive()), z.string().check(z.regex(/^\+?\d{1,4}$/, 'must be a country calling code'))]),
    ),
    phone: z.optional(
      z.union([
        z.number().check(z.int(), z.positive()),
        z.string().check(z.regex(/^[\d ()-]{2,20}$/, 'must be a phone number without country code')),
      ]),
    ),
    /** A current code, for changing or disabling a verified factor without a recent second factor. */
    code: z.optional(code),
  })
  .check(
    z.superRefine((v, ctx) => {
      if (v.method === 'google' && v.secret_key === undefined) {
        ctx.issues.push({ code: 'custom', path: ['secret_key'], message: "is required when method is 'google'", input: v });
      }
      if (v.method === 'sms') {
        for (const field of ['phone_prefix', 'phone'] as const) {
          if (v[field] === undefined) ctx.issues.push({ code: 'custom', path: [field], message: "is required when method is 'sms'", input: v });
        }
      }
    }),
  );

export const AuthenticateBody = z
  .object({
    code: z.optional(code),
    /** A WebAuthn assertion (the JSON from @simplewebauthn/browser's startAuthentication). */
    webauthn: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(z.refine((v) => (v.code === undefined) !== (v.webauthn === undefined), { message: 'send exactly one of code, webauthn' }));

export const WebAuthnRegisterBody = z.object({
  /** The JSON from @simplewebauthn/browser's startRegistration. */
  response: z.record(z.string(), z.unknown()),
  name: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), 'Security key'),
});

export const CredentialParams = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be a base64url credential id')),
});

export const ImpersonateBody = z.object({ userId: id, teamId: id, code });

export const AuditQuery = z.extend(PageQuery, {
  /** Support only: the org to read (admins read their own). */
  org: z.optional(id),
});

// ---------------------------------------------------------------------------------------------
// Response shapes of the routes the self-service page calls. The page imports their types only
// (`import type`, so no zod reaches its bundle); test/integration/response-schemas.test.ts parses
// what the handlers really answer with them, so a change on either side fails a test.

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
  }),
]);

export const AuthenticateResponse = z.extend(TokensResponse, {
  isTwoFactorEnable: z.literal(true),
  /** Present when a recovery code was used. */
  recoveryCodesRemaining: z.optional(z.number()),
});

export const EnableTwoFactorResponse = z.strictObject({
  message: z.string(),
  description: z.string(),
  /** With a pending login token (2FA forced, enrolling), enabling also finishes the login. */
  accessToken: z.optional(z.string()),
  refreshToken: z.optional(z.string()),
});

export const QrResponse = z.strictObject({ qrCode: z.string(), link: z.string() });

export const TwoFactorSettingsResponse = z.strictObject({
  data: z.strictObject({
    method: z.nullable(ziikMethod),
    /** Only while the authenticator app is not verified. */
    secret_key: z.nullable(z.string()),
    phone_prefix: z.nullable(z.number()),
    /** Masked. */
    phone: z.nullable(z.string()),
    verified: z.boolean(),
    methods: z.array(z.union([ziikMethod, z.literal('recovery')])),
  }),
});

export const SecurityKey = z.strictObject({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.nullable(z.string()),
});

export const SecurityKeysResponse = z.strictObject({ data: z.array(SecurityKey) });

export const KeyRegisteredResponse = z.strictObject({
  data: SecurityKey,
  // With a pending login token (2FA forced, enrolling), registering also finishes the login.
  ...z.partial(TokensResponse).shape,
  isTwoFactorEnable: z.optional(z.literal(true)),
});

export const RecoveryCountResponse = z.strictObject({ data: z.strictObject({ remaining: z.number() }) });

export const RecoveryCodesResponse = z.strictObject({ data: z.strictObject({ codes: z.array(z.string()) }) });

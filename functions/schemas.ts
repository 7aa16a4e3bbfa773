/**
 * Request schemas of every route: the handlers validate with them and /openapi.json is generated
 * from them. Shape errors are 400s; meaning errors (a weak secret, an impossible phone number) are
 * the domain's 422s.
 */
import { z } from 'zod';

const email = z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an email address' }).max(254));
const id = z.coerce.number({ message: 'must be a positive integer' }).int().positive().max(Number.MAX_SAFE_INTEGER);

export const IdParams = z.object({ id });

export const LoginBody = z.object({
  email,
  password: z.string().min(1, 'is required').max(1024),
});

export const RefreshBody = z.object({
  refreshToken: z.string().min(1, 'is required').max(512),
});

export const Role = z.enum(['member', 'admin', 'support']);

export const CreateUserBody = z.object({
  email,
  role: Role.default('member'),
  /** Support only: the org to create the user in. Admins always create in their own org. */
  orgId: id.optional(),
  /** Optional initial password; when absent one is generated and returned once. */
  password: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
});

/** Ziik's method names, as the seed spells them (`u2f`: security keys and passkeys). */
export const ziikMethodNames = { google: 'totp', sms: 'sms', u2f: 'webauthn' } as const;
export const ZiikMethodParams = z.object({
  method: z.enum(['google', 'sms', 'u2f'], { message: 'must be one of: google, sms, u2f' }).transform((m) => ziikMethodNames[m]),
});

export const PolicySettingsBody = z
  .object({
    gracePeriodSeconds: z.number().int().min(0).max(90 * 24 * 3600).optional(),
    checkLifetimeSeconds: z.number().int().min(60).max(24 * 3600).optional(),
    /** Country calling codes SMS may go to; null allows every code the deployment allows. */
    smsCountryCodes: z.array(z.string().regex(/^[1-9]\d{0,2}$/, 'must be a country calling code such as "45"')).max(250).nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'name at least one of gracePeriodSeconds, checkLifetimeSeconds, smsCountryCodes',
  });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(1024).optional(),
});

/** Zitadel's second factor types and the policy methods they stand for. */
export const zitadelTypes = {
  SECOND_FACTOR_TYPE_OTP: 'totp',
  SECOND_FACTOR_TYPE_U2F: 'webauthn',
  SECOND_FACTOR_TYPE_OTP_SMS: 'sms',
  SECOND_FACTOR_TYPE_OTP_EMAIL: 'email',
} as const;
const zitadelType = z
  .enum(Object.keys(zitadelTypes) as [keyof typeof zitadelTypes], {
    message: `must be one of: ${Object.keys(zitadelTypes).join(', ')} (SECOND_FACTOR_TYPE_UNSPECIFIED is not a factor)`,
  })
  .transform((t) => zitadelTypes[t]);

export const ZitadelSecondFactorBody = z.object({ type: zitadelType });
export const ZitadelSecondFactorParams = z.object({ type: zitadelType });
/** Zitadel's list request takes an optional query we have no use for. */
export const ZitadelSearchBody = z.object({}).optional();

/** A one-time code as the user typed it: digits (TOTP, SMS) or a recovery code. */
const code = z.string({ message: 'must be a string (keep leading zeros)' }).trim().min(1, 'is required').max(64);

export const VerifyKeyBody = z.object({ key: code });
export const CodeBody = z.object({ code });
export const OptionalCodeBody = z.object({ code: code.optional() }).optional();

export const TwoFactorPatchBody = z
  .object({
    method: z.enum(['google', 'sms', ''], { message: "must be 'google', 'sms' or '' (disable)" }),
    secret_key: z.string().max(256).optional(),
    phone_prefix: z.union([z.number().int().positive(), z.string().regex(/^\+?\d{1,4}$/, 'must be a country calling code')]).optional(),
    phone: z.union([z.number().int().positive(), z.string().regex(/^[\d ()-]{2,20}$/, 'must be a phone number without country code')]).optional(),
    /** A current code, for changing or disabling a verified factor without a recent second factor. */
    code: code.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.method === 'google' && v.secret_key === undefined) {
      ctx.addIssue({ code: 'custom', path: ['secret_key'], message: "is required when method is 'google'" });
    }
    if (v.method === 'sms') {
      for (const field of ['phone_prefix', 'phone'] as const) {
        if (v[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: "is required when method is 'sms'" });
      }
    }
  });

export const AuthenticateBody = z
  .object({
    code: code.optional(),
    /** A WebAuthn assertion (the JSON from @simplewebauthn/browser's startAuthentication). */
    webauthn: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((v) => (v.code === undefined) !== (v.webauthn === undefined), { message: 'send exactly one of code, webauthn' });

export const WebAuthnRegisterBody = z.object({
  /** The JSON from @simplewebauthn/browser's startRegistration. */
  response: z.record(z.string(), z.unknown()),
  name: z.string().trim().min(1).max(64).default('Security key'),
});

export const CredentialParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be a base64url credential id'),
});

export const ImpersonateBody = z.object({ userId: id, teamId: id, code });

export const AuditQuery = PageQuery.extend({
  /** Support only: the org to read (admins read their own). */
  org: id.optional(),
});

/**
 * Request schemas of every route: the handlers validate with them and /openapi.json is generated
 * from them. Shape errors are 400s; meaning errors (a weak secret, an impossible phone number) are
 * the domain's 422s.
 *
 * zod/mini, not classic zod: every handler bundles these, and classic zod alone is ~450 KB and
 * ~30 ms of cold start; mini is ~20 KB (measured by `npm run bench`).
 *
 * Each schema is built on its first use (`lazy`; the shared parts below are factories), and is
 * side-effect free to the bundler: a function's bundle keeps its own route's schemas and the parts
 * of zod they use, and builds them when its first request is validated.
 */
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

// English messages for the issues we do not word ourselves.
z.config(en());

/** `z.lazy`, marked for esbuild as free of side effects: a schema no code reads is left out of the bundle. */
/* @__NO_SIDE_EFFECTS__ */
function lazy<T extends z.ZodMiniType>(build: () => T): z.ZodMiniLazy<T> {
  return z.lazy(build);
}

const email = () =>
  z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email({ message: 'must be an email address' }).check(z.maxLength(254)));
const positiveInt = (message = 'must be a positive integer') =>
  z.coerce.number({ message }).check(z.refine((n) => Number.isSafeInteger(n) && n > 0, { message }));
const id = () => positiveInt();
/** A one-time code as the user typed it: digits (TOTP, SMS) or a recovery code. */
const code = () => z.string({ message: 'must be a string (keep leading zeros)' }).check(z.trim(), z.minLength(1, 'is required'), z.maxLength(64));

export const IdParams = lazy(() => z.object({ id: id() }));

export const LoginBody = lazy(() =>
  z.object({
    email: email(),
    password: z.string().check(z.minLength(1, 'is required'), z.maxLength(1024)),
    /** A remembered device's token (API clients; the page's is the __Host-device cookie). */
    deviceToken: z.optional(z.string({ message: 'must be a string' }).check(z.maxLength(128))),
  }),
);

export const RefreshBody = lazy(() =>
  z.object({
    refreshToken: z.string().check(z.minLength(1, 'is required'), z.maxLength(512)),
  }),
);

const role = () => z.enum(['member', 'admin', 'support'], { message: 'must be one of: member, admin, support' });
export const Role = lazy(role);

export const CreateUserBody = lazy(() =>
  z.object({
    email: email(),
    role: z._default(role(), 'member'),
    /** Support only: the org to create the user in. Admins always create in their own org. */
    orgId: z.optional(id()),
    /** Refused rather than ignored: nobody but the invited user chooses (or sees) their password. */
    password: z.optional(z.never({ message: 'is not accepted: the invited user chooses a password through the emailed link' })),
  }),
);

/** A batch of import rows: each is checked on its own (shared/identity/import.ts), so one bad row refuses only itself. */
export const ImportUsersBody = lazy(() =>
  z.object({
    users: z.array(z.looseObject({})).check(z.minLength(1), z.maxLength(25, 'at most 25 rows per request; use `npm run import` for a file')),
    /** Support only: the org to import into. */
    orgId: z.optional(id()),
    dryRun: z._default(z.boolean(), false),
  }),
);

const userStatus = () => z.enum(['invited', 'active', 'deactivated'], { message: 'must be one of: invited, active, deactivated' });
export const UserStatus = lazy(userStatus);

export const UsersQuery = lazy(() =>
  z.object({
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
    cursor: z.optional(z.string().check(z.maxLength(1024))),
    status: z.optional(userStatus()),
    /** Support only: the org to list (admins list their own). */
    org: z.optional(id()),
  }),
);

export const UpdateUserBody = lazy(() =>
  z
    .object({
      /** Between member and admin; nobody becomes support through this route. */
      role: z.optional(z.enum(['member', 'admin'], { message: 'must be one of: member, admin (support is not granted here)' })),
      /** A new email: it applies once the link sent to it is followed (POST /api/users/email/verify). */
      email: z.optional(email()),
    })
    .check(z.refine((v) => v.role !== undefined || v.email !== undefined, { message: 'name at least one of role, email' })),
);

/** An email link's token: `<user id>.<256 random bits, base64url>`. */
export const EmailTokenBody = lazy(() =>
  z.object({
    token: z.string({ message: 'must be a string' }).check(z.trim(), z.regex(/^[1-9]\d{0,15}\.[\w-]{43}$/, 'must be the token from the link')),
  }),
);

export const SessionParams = lazy(() => z.object({ sid: z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'must be a session id')) }));

/** A new password: its rules (length, common passwords) are the domain's (identity/password-rules.ts). */
const newPassword = () => z.string({ message: 'must be a string' }).check(z.minLength(1, 'is required'), z.maxLength(1024));
/** A link's token as the email carried it: `<user id>.<256 random bits, base64url>`. */
const linkToken = () => z.string({ message: 'must be a string' }).check(z.trim(), z.minLength(1, 'is required'), z.maxLength(128));

export const AcceptInvitationBody = lazy(() => z.object({ token: linkToken(), password: newPassword() }));

export const ChangePasswordBody = lazy(() =>
  z.object({
    currentPassword: z.string({ message: 'must be a string' }).check(z.minLength(1, 'is required'), z.maxLength(1024)),
    newPassword: newPassword(),
    /** A current second-factor code, where the session's second factor is not recent. */
    code: z.optional(code()),
  }),
);

export const ForgotPasswordBody = lazy(() => z.object({ email: email() }));

export const ResetPasswordBody = lazy(() => z.object({ token: linkToken(), password: newPassword() }));

/** Ziik's method names, as the seed spells them (`u2f`: security keys and passkeys; `email`: email codes, our extension). */
export const ziikMethodNames = { google: 'totp', sms: 'sms', u2f: 'webauthn', email: 'email' } as const;
const ziikMethod = () => z.enum(['google', 'sms', 'u2f', 'email'], { message: 'must be one of: google, sms, u2f, email' });
/** Ziik's method names as a schema: request parameters, and the settings' answer (response-schemas.ts). */
export const ZiikMethod = lazy(ziikMethod);
export const ZiikMethodParams = lazy(() =>
  z.object({
    method: z.pipe(
      ziikMethod(),
      z.transform((m: keyof typeof ziikMethodNames) => ziikMethodNames[m]),
    ),
  }),
);

/** The longest grace period of a role's rule, in days: a rollout, not a wish. */
const MAX_GRACE_DAYS = 365;
/**
 * A deadline: an ISO 8601 instant with its offset, or a date (its start, UTC). How far ahead it may
 * be is the domain's check (shared/policy/role-rules.ts), against the clock.
 */
const deadline = () =>
  z.pipe(
    z.union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'must be an ISO 8601 date or date-time, such as "2027-01-31" or "2027-01-31T12:00:00Z"' }),
    z.transform((value: string) => new Date(value).toISOString()),
  );
const roleRule = () =>
  z
    .strictObject({
      required: z.boolean({ message: 'must be true or false' }),
      deadline: z.optional(deadline()),
      graceDays: z.optional(z.number({ message: 'must be a number of days' }).check(z.int(), z.minimum(0), z.maximum(MAX_GRACE_DAYS))),
    })
    .check(
      z.refine((r) => r.deadline === undefined || r.graceDays === undefined, { message: 'give a deadline or graceDays, not both' }),
      z.refine((r) => r.required || (r.deadline === undefined && r.graceDays === undefined), {
        message: 'a deadline or graceDays goes with required: true',
      }),
    );
/** Per role: `{required: true, deadline | graceDays}` (neither: required now), or `{required: false}` to remove it. */
const roleRules = () =>
  z
    .strictObject({ member: z.optional(roleRule()), admin: z.optional(roleRule()), support: z.optional(roleRule()) })
    .check(z.refine((v) => Object.keys(v).length > 0, { message: 'name at least one role: member, admin, support' }));

export const PolicySettingsBody = lazy(() =>
  z
    .object({
      gracePeriodSeconds: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(90 * 24 * 3600))),
      checkLifetimeSeconds: z.optional(z.number().check(z.int(), z.minimum(60), z.maximum(24 * 3600))),
      /** Country calling codes SMS may go to; null allows every code the deployment allows. */
      smsCountryCodes: z.optional(
        z.nullable(z.array(z.string().check(z.regex(/^[1-9]\d{0,2}$/, 'must be a country calling code such as "45"'))).check(z.maxLength(250))),
      ),
      /** 2FA required by role, each with its own deadline (shared/policy/role-rules.ts). */
      roleRules: z.optional(roleRules()),
      /** Security notification emails to the org's users (README: Security notifications). */
      notifications: z.optional(z.boolean()),
      /** Passkey sign-in (POST /api/auth/passkey) allowed; it also needs u2f (security keys) among the methods. */
      passwordless: z.optional(z.boolean()),
      /** Days a device may be remembered after a second factor; 0 turns remembering off. */
      rememberDeviceDays: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(90))),
    })
    .check(
      z.refine((v) => Object.values(v).some((x) => x !== undefined), {
        message: 'name at least one of gracePeriodSeconds, checkLifetimeSeconds, smsCountryCodes, roleRules, notifications, passwordless, rememberDeviceDays',
      }),
    ),
);

const pageQuery = () =>
  z.object({
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
    cursor: z.optional(z.string().check(z.maxLength(1024))),
  });
export const PageQuery = lazy(pageQuery);

/** The enrolment report: a page, optionally of one role. */
export const EnrolmentReportQuery = lazy(() => z.extend(pageQuery(), { role: z.optional(role()) }));

/** Zitadel's second factor types and the policy methods they stand for. */
export const zitadelTypes = {
  SECOND_FACTOR_TYPE_OTP: 'totp',
  SECOND_FACTOR_TYPE_U2F: 'webauthn',
  SECOND_FACTOR_TYPE_OTP_SMS: 'sms',
  SECOND_FACTOR_TYPE_OTP_EMAIL: 'email',
} as const;
type ZitadelType = keyof typeof zitadelTypes;
const zitadelType = () =>
  z.pipe(
    z.enum(Object.keys(zitadelTypes) as [ZitadelType, ...ZitadelType[]], {
      message: `must be one of: ${Object.keys(zitadelTypes).join(', ')} (SECOND_FACTOR_TYPE_UNSPECIFIED is not a factor)`,
    }),
    z.transform((t: ZitadelType) => zitadelTypes[t]),
  );

export const ZitadelSecondFactorBody = lazy(() => z.object({ type: zitadelType() }));
export const ZitadelSecondFactorParams = lazy(() => z.object({ type: zitadelType() }));
/** Zitadel's list request takes an optional query we have no use for. */
export const ZitadelSearchBody = lazy(() => z.optional(z.object({})));

export const VerifyKeyBody = lazy(() => z.object({ key: code() }));
export const CodeBody = lazy(() => z.object({ code: code() }));
export const OptionalCodeBody = lazy(() => z.optional(z.object({ code: z.optional(code()) })));

export const TwoFactorPatchBody = lazy(() =>
  z
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
      code: z.optional(code()),
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
    ),
);

/** Enrol email codes: the address (the account's own email when absent); `code` to replace a verified one without a recent second factor. */
export const EmailEnrolBody = lazy(() => z.optional(z.object({ email: z.optional(email()), code: z.optional(code()) })));

export const AuthenticateBody = lazy(() =>
  z
    .object({
      code: z.optional(code()),
      /** A WebAuthn assertion (the JSON from @simplewebauthn/browser's startAuthentication). */
      webauthn: z.optional(z.record(z.string(), z.unknown())),
      /** Remember this device for the days the org allows: the answer carries its token (and sets the cookie). */
      rememberDevice: z.optional(z.boolean({ message: 'must be true or false' })),
    })
    .check(z.refine((v) => (v.code === undefined) !== (v.webauthn === undefined), { message: 'send exactly one of code, webauthn' })),
);

/** POST /api/two-factor/webauthn/register/options: `passkey` asks for a resident key with user verification. */
export const KeyRegistrationOptionsBody = lazy(() => z.object({ passkey: z.optional(z.boolean()) }));

const base64url = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'));
const credentialId = () => z.string().check(z.regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be a base64url credential id'));

/** POST /api/auth/passkey: the JSON from @simplewebauthn/browser's startAuthentication, fields checked before any work. */
export const PasskeySignInBody = lazy(() =>
  z.object({
    response: z.object({
      id: credentialId(),
      rawId: credentialId(),
      type: z.literal('public-key'),
      response: z.object({
        clientDataJSON: base64url(4096),
        authenticatorData: base64url(4096),
        // Up to an ML-DSA-87 signature (4,627 bytes), which browsers may choose among the offered algorithms.
        signature: base64url(8192),
        /** A discoverable credential names its user: a key without a user handle is no passkey. */
        userHandle: base64url(128),
      }),
      clientExtensionResults: z._default(z.record(z.string(), z.unknown()), {}),
      authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
    }),
  }),
);
/** A remembered device's id (the part of its token before the dot). */
export const DeviceParams = lazy(() => z.object({ id: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'must be a device id')) }));

export const WebAuthnRegisterBody = lazy(() =>
  z.object({
    /** The JSON from @simplewebauthn/browser's startRegistration. */
    response: z.record(z.string(), z.unknown()),
    name: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), 'Security key'),
  }),
);

export const CredentialParams = lazy(() => z.object({ id: credentialId() }));

export const ImpersonateBody = lazy(() => z.object({ userId: id(), teamId: id(), code: code() }));

export const AuditQuery = lazy(() =>
  z.extend(pageQuery(), {
    /** Support only: the org to read (admins read their own). */
    org: z.optional(id()),
  }),
);

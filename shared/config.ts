/**
 * Configuration, read and validated once per cold start. Every value has a safe local default except
 * those a deployment must choose; a bad value fails fast, naming the variable and why.
 */
import * as z from 'zod/mini';

const seconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const text = (fallback: string) => z._default(z.string().check(z.minLength(1)), fallback);
const list = (fallback: string) =>
  z.pipe(
    z._default(z.string(), fallback),
    z.transform((s: string) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  );
const templates = z.pipe(
  z._default(z.string(), '{"en":"{code} is your {app} verification code. It expires in 5 minutes."}'),
  z.transform((value: string, ctx) => {
    try {
      const parsed = JSON.parse(value) as Record<string, unknown>;
      const ok = parsed && typeof parsed === 'object' && Object.values(parsed).every((t) => typeof t === 'string' && t.includes('{code}'));
      if (ok && typeof parsed.en === 'string') return parsed as Record<string, string> & { en: string };
    } catch {
      // reported below
    }
    ctx.issues.push({ code: 'custom', message: 'must be a JSON object of templates, each containing {code}, with an "en" one', input: value });
    return z.NEVER;
  }),
);

const schema = z.object({
  TABLE_NAME: text('twofactor'),
  /** Set locally (DynamoDB Local); unset in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  AWS_REGION: text('us-east-1'),
  /** `file` keeps the data key in DATA_KEY_FILE (local); `kms` wraps it with KMS_KEY_ID (AWS). */
  DATA_KEY_SOURCE: z._default(z.enum(['file', 'kms']), 'file'),
  DATA_KEY_FILE: text('.data/data-key'),
  KMS_KEY_ID: z.optional(z.string()),
  TOKEN_ISSUER: text('http://127.0.0.1:3000'),
  TOKEN_AUDIENCE: text('twofactor-api'),
  ACCESS_TOKEN_TTL: seconds(15 * 60),
  PENDING_TOKEN_TTL: seconds(5 * 60),
  /** NIST SP 800-63B-4 AAL2 reauthentication: 24 h absolute, 1 h inactivity. */
  SESSION_ABSOLUTE_TTL: seconds(24 * 3600),
  SESSION_IDLE_TTL: seconds(3600),
  /**
   * How long a rotated refresh token may be presented again and get the same successor (two tabs
   * refreshing at once); later, a repeat revokes the session. 0 turns it off; at most 60 s, since
   * within it a stolen token is not detected.
   */
  REFRESH_TOKEN_REUSE_INTERVAL: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(60)), 10),
  /** Impersonation tokens: short-lived and never refreshable (at most 30 minutes). */
  IMPERSONATION_TTL: z._default(z.coerce.number().check(z.int(), z.minimum(60), z.maximum(1800)), 15 * 60),
  /** How long an old signing key stays published after a rotation. */
  SIGNING_KEY_RETENTION: seconds(24 * 3600),
  /** log2 of scrypt's N; OWASP: 2^17 with r=8, p=1. */
  SCRYPT_LOG_N: z._default(z.coerce.number().check(z.int(), z.minimum(14), z.maximum(20)), 17),
  /** How long an invitation link works (7 days). */
  INVITATION_TTL: seconds(7 * 24 * 3600),
  /** How long a password-reset link works (30 minutes). */
  PASSWORD_RESET_TTL: seconds(30 * 60),
  /** Forgot-password requests: per email address (hashed) and per source address, per window. */
  PASSWORD_RESET_MAX_PER_EMAIL: seconds(5),
  PASSWORD_RESET_MAX_PER_IP: seconds(30),
  PASSWORD_RESET_WINDOW: seconds(3600),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: seconds(10),
  LOGIN_MAX_FAILURES_PER_IP: seconds(50),
  LOGIN_FAILURE_WINDOW: seconds(15 * 60),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: seconds(16 * 1024),
  APP_NAME: text('TwoFactor'),
  WEBAUTHN_RP_ID: text('localhost'),
  WEBAUTHN_ORIGINS: list('http://localhost:3000'),
  /** `outbox` appends messages to SMS_OUTBOX_FILE (local); `sns` publishes through Amazon SNS. */
  SMS_SENDER: z._default(z.enum(['outbox', 'sns']), 'outbox'),
  SMS_OUTBOX_FILE: text('.data/sms-outbox.jsonl'),
  /** Print each outbox message to the console (the local server does; tests do not). */
  SMS_OUTBOX_PRINT: z._default(z.enum(['true', 'false']), 'true'),
  SMS_SENDER_ID: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits'))),
  SMS_ORIGINATION_NUMBER: z.optional(z.string().check(z.regex(/^\+\d{6,15}$/, 'must be an E.164 number'))),
  /** Message text per language: `{code}` and `{app}` are replaced. JSON object, `en` required. */
  SMS_TEMPLATES: templates,
  /** Country calling codes SMS may go to (e.g. "45,46,47"); empty allows all. Orgs can narrow it further. */
  SMS_ALLOWED_COUNTRY_CODES: list(''),
  /** Every send of a user (enrolment or login): a rolling minimum interval, an hourly and a daily cap. */
  SMS_MIN_INTERVAL_PER_USER: seconds(30),
  SMS_MAX_PER_USER_HOURLY: seconds(5),
  SMS_MAX_PER_USER_DAILY: seconds(10),
  /** Enrolment sends only (to a number the user has not verified): per number, across all users and orgs; per org. */
  SMS_MAX_PER_PHONE_10MIN: seconds(5),
  SMS_MAX_PER_PHONE_DAILY: seconds(10),
  SMS_MAX_PER_ORG_HOURLY: seconds(200),
  /** `outbox` appends messages to EMAIL_OUTBOX_FILE (local); `ses` sends through Amazon SES v2. */
  EMAIL_SENDER: z._default(z.enum(['outbox', 'ses']), 'outbox'),
  EMAIL_OUTBOX_FILE: text('.data/email-outbox.jsonl'),
  /** Print each outbox message to the console (the local server does; tests do not). */
  EMAIL_OUTBOX_PRINT: z._default(z.enum(['true', 'false']), 'true'),
  /** The verified SES identity mail is sent from (`Name <address>` or an address); required with `ses`. */
  EMAIL_FROM: z.optional(z.string().check(z.minLength(3))),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /** Emails per recipient (any kind: invitations, resets, notices) and per org, so no mailbox can be flooded. */
  MAIL_MAX_PER_RECIPIENT_HOURLY: seconds(5),
  MAIL_MAX_PER_RECIPIENT_DAILY: seconds(20),
  MAIL_MAX_PER_ORG_HOURLY: seconds(500),
  /** Email sign-in codes of one user (enrolment or login): a rolling minimum interval, an hourly and a daily cap. */
  EMAIL_CODE_MIN_INTERVAL_PER_USER: seconds(30),
  EMAIL_CODE_MAX_PER_USER_HOURLY: seconds(5),
  EMAIL_CODE_MAX_PER_USER_DAILY: seconds(10),
  /** Where the self-service page is served: links in emails (invitations, password reset) point here. */
  PUBLIC_URL: z._default(z.url(), 'http://localhost:3000'),
  /**
   * Multiplies every request budget and AWS client timeout (shared/store/aws-clients.ts): 1 in AWS.
   * DynamoDB Local on a slow or shared machine (the tests, npm start) may need more.
   */
  TIMEOUT_SCALE: z._default(z.coerce.number().check(z.positive(), z.maximum(100)), 1),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']), 'INFO'),
  /**
   * Each AWS SDK call as an X-Ray subsegment (shared/store/aws-call-tracing.ts). Set by the stack
   * where X-Ray active tracing is on; without Lambda's X-Ray daemon (AWS_XRAY_DAEMON_ADDRESS) it does nothing.
   */
  TRACE_AWS_CALLS: z._default(z.enum(['true', 'false']), 'false'),
  /**
   * The secret CloudFront adds to API requests (shared/http/client-address.ts): only a request that
   * carries it is believed about the viewer's address. Set by the stack when CloudFront is in front.
   */
  ORIGIN_VERIFY_SECRET: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
  /**
   * Serve only requests that came through CloudFront (they carry ORIGIN_VERIFY_SECRET); set by the
   * stack behind the front door unless `executeApiEndpoint` keeps the raw API for direct clients.
   */
  FRONT_DOOR_ONLY: z._default(z.enum(['true', 'false']), 'false'),
});

export type Config = z.output<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const config = parsed.data;
  if (config.DATA_KEY_SOURCE === 'kms' && !config.KMS_KEY_ID) {
    throw new Error('Invalid configuration: KMS_KEY_ID is required when DATA_KEY_SOURCE=kms (it wraps the data key)');
  }
  if (config.EMAIL_SENDER === 'ses' && !config.EMAIL_FROM) {
    throw new Error('Invalid configuration: EMAIL_FROM is required when EMAIL_SENDER=ses (the verified SES identity)');
  }
  return config;
}

let current: Config | undefined;

/** The process-wide configuration, parsed on first use. */
export function config(): Config {
  return (current ??= loadConfig());
}

/** Tests and the local runner change the environment and then call this. */
export function resetConfig(): void {
  current = undefined;
}

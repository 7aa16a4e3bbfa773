/**
 * Configuration, read and validated once per cold start. Every value has a safe local default except
 * those a deployment must choose; a bad value fails fast, naming the variable and why.
 * Read by hand rather than with a zod schema: every function reads it at cold start, and building
 * a schema of sixty variables cost more of every function's import than the table of readers below
 * (measured by test/bench/import-pieces.ts).
 */

/** Reads one variable (undefined when unset); throws a Problem saying what is wrong with it. */
type Reader<T> = (raw: string | undefined) => T;

class Problem extends Error {}

const present = (raw: string | undefined): raw is string => raw !== undefined;

function number(raw: string, check: { int?: boolean; min?: number; exclusiveMin?: number; max?: number }): number {
  // As Number() reads it (the zod schema this replaces coerced the same way), so "0x10" and " 5 " pass.
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Problem(`Invalid input: must be a number, not ${JSON.stringify(raw)}`);
  if (check.int && !Number.isSafeInteger(n)) throw new Problem('must be a whole number');
  if (check.exclusiveMin !== undefined && !(n > check.exclusiveMin)) throw new Problem(`must be more than ${check.exclusiveMin}`);
  if (check.min !== undefined && n < check.min) throw new Problem(`must be at least ${check.min}`);
  if (check.max !== undefined && n > check.max) throw new Problem(`must be at most ${check.max}`);
  return n;
}

/** A positive whole number: a duration in seconds, a count or a size. */
const positiveInt =
  (fallback: number): Reader<number> =>
  (raw) =>
    present(raw) ? number(raw, { int: true, exclusiveMin: 0 }) : fallback;
const integer =
  (fallback: number, min: number, max: number): Reader<number> =>
  (raw) =>
    present(raw) ? number(raw, { int: true, min, max }) : fallback;
const text =
  (fallback: string): Reader<string> =>
  (raw) => {
    if (!present(raw)) return fallback;
    if (raw === '') throw new Problem('must not be empty');
    return raw;
  };
const oneOf =
  <const T extends string>(values: readonly T[], fallback: T): Reader<T> =>
  (raw) => {
    if (!present(raw)) return fallback;
    if (!(values as readonly string[]).includes(raw)) throw new Problem(`must be one of: ${values.join(', ')}`);
    return raw as T;
  };
/** As zod's url() read it: trimmed, parseable by URL, tabs and newlines removed. */
const url = (raw: string): string => {
  const trimmed = raw.trim();
  if (!URL.canParse(trimmed)) throw new Problem('must be a URL');
  return trimmed.replace(/[\t\n\r]/g, '');
};
const list =
  (fallback: string): Reader<string[]> =>
  (raw) =>
    (raw ?? fallback)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
/** An optional string that, when set, must pass `check`. */
const optional =
  <T>(check: (raw: string) => T): Reader<T | undefined> =>
  (raw) =>
    present(raw) ? check(raw) : undefined;
const matching = (pattern: RegExp, message: string) => (raw: string) => {
  if (!pattern.test(raw)) throw new Problem(message);
  return raw;
};
const minLength = (min: number, message = `must be at least ${min} characters`) => (raw: string) => {
  if (raw.length < min) throw new Problem(message);
  return raw;
};

const templates: Reader<Record<string, string> & { en: string }> = (raw = '{"en":"{code} is your {app} verification code. It expires in 5 minutes."}') => {
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    const ok = parsed && typeof parsed === 'object' && Object.values(parsed).every((t) => typeof t === 'string' && t.includes('{code}'));
    if (ok && typeof parsed.en === 'string') return parsed as Record<string, string> & { en: string };
  } catch {
    // reported below
  }
  throw new Problem('must be a JSON object of templates, each containing {code}, with an "en" one');
};

const readers = {
  TABLE_NAME: text('twofactor'),
  /** Set locally (DynamoDB Local); unset in AWS. */
  DYNAMODB_ENDPOINT: optional(url),
  AWS_REGION: text('us-east-1'),
  /** `file` keeps the data key in DATA_KEY_FILE (local); `kms` wraps it with KMS_KEY_ID (AWS). */
  DATA_KEY_SOURCE: oneOf(['file', 'kms'], 'file'),
  DATA_KEY_FILE: text('.data/data-key'),
  KMS_KEY_ID: optional(String),
  TOKEN_ISSUER: text('http://127.0.0.1:3000'),
  TOKEN_AUDIENCE: text('twofactor-api'),
  ACCESS_TOKEN_TTL: positiveInt(15 * 60),
  PENDING_TOKEN_TTL: positiveInt(5 * 60),
  /** NIST SP 800-63B-4 AAL2 reauthentication: 24 h absolute, 1 h inactivity. */
  SESSION_ABSOLUTE_TTL: positiveInt(24 * 3600),
  SESSION_IDLE_TTL: positiveInt(3600),
  /**
   * How long a rotated refresh token may be presented again and get the same successor (two tabs
   * refreshing at once); later, a repeat revokes the session. 0 turns it off; at most 60 s, since
   * within it a stolen token is not detected.
   */
  REFRESH_TOKEN_REUSE_INTERVAL: integer(10, 0, 60),
  /** Impersonation tokens: short-lived and never refreshable (at most 30 minutes). */
  IMPERSONATION_TTL: integer(15 * 60, 60, 1800),
  /** How long an old signing key stays published after a rotation. */
  SIGNING_KEY_RETENTION: positiveInt(24 * 3600),
  /** log2 of scrypt's N; OWASP: 2^17 with r=8, p=1. */
  SCRYPT_LOG_N: integer(17, 14, 20),
  /** How long an invitation link works (7 days). */
  INVITATION_TTL: positiveInt(7 * 24 * 3600),
  /** How long a password-reset link works (30 minutes). */
  PASSWORD_RESET_TTL: positiveInt(30 * 60),
  /** Forgot-password requests: per email address (hashed) and per source address, per window. */
  PASSWORD_RESET_MAX_PER_EMAIL: positiveInt(5),
  PASSWORD_RESET_MAX_PER_IP: positiveInt(30),
  PASSWORD_RESET_WINDOW: positiveInt(3600),
  /**
   * Answers an org gets in an hour that an address it adds is held by another org's user (the
   * address space is shared): beyond them, adding users and changing emails waits (email-taken.ts).
   */
  EMAIL_TAKEN_MAX_PER_ORG: positiveInt(20),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(10),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(50),
  LOGIN_FAILURE_WINDOW: positiveInt(15 * 60),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: positiveInt(16 * 1024),
  APP_NAME: text('TwoFactor'),
  WEBAUTHN_RP_ID: text('localhost'),
  WEBAUTHN_ORIGINS: list('http://localhost:3000'),
  /** `outbox` appends messages to SMS_OUTBOX_FILE (local); `sns` publishes through Amazon SNS. */
  SMS_SENDER: oneOf(['outbox', 'sns'], 'outbox'),
  SMS_OUTBOX_FILE: text('.data/sms-outbox.jsonl'),
  /** Print each outbox message to the console (the local server does; tests do not). */
  SMS_OUTBOX_PRINT: oneOf(['true', 'false'], 'true'),
  SMS_SENDER_ID: optional(matching(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits')),
  SMS_ORIGINATION_NUMBER: optional(matching(/^\+\d{6,15}$/, 'must be an E.164 number')),
  /** Message text per language: `{code}` and `{app}` are replaced. JSON object, `en` required. */
  SMS_TEMPLATES: templates,
  /** Country calling codes SMS may go to (e.g. "45,46,47"); empty allows all. Orgs can narrow it further. */
  SMS_ALLOWED_COUNTRY_CODES: list(''),
  /** Every send of a user (enrolment or login): a rolling minimum interval, an hourly and a daily cap. */
  SMS_MIN_INTERVAL_PER_USER: positiveInt(30),
  SMS_MAX_PER_USER_HOURLY: positiveInt(5),
  SMS_MAX_PER_USER_DAILY: positiveInt(10),
  /** Enrolment sends only (to a number the user has not verified): per number, across all users and orgs; per org. */
  SMS_MAX_PER_PHONE_10MIN: positiveInt(5),
  SMS_MAX_PER_PHONE_DAILY: positiveInt(10),
  SMS_MAX_PER_ORG_HOURLY: positiveInt(200),
  /** `outbox` appends messages to EMAIL_OUTBOX_FILE (local); `ses` sends through Amazon SES v2. */
  EMAIL_SENDER: oneOf(['outbox', 'ses'], 'outbox'),
  EMAIL_OUTBOX_FILE: text('.data/email-outbox.jsonl'),
  /** Print each outbox message to the console (the local server does; tests do not). */
  EMAIL_OUTBOX_PRINT: oneOf(['true', 'false'], 'true'),
  /** The verified SES identity mail is sent from (`Name <address>` or an address); required with `ses`. */
  EMAIL_FROM: optional(minLength(3)),
  SES_CONFIGURATION_SET: optional(minLength(1, 'must not be empty')),
  /** Emails per recipient (any kind: invitations, resets, notices) and per org, so no mailbox can be flooded. */
  MAIL_MAX_PER_RECIPIENT_HOURLY: positiveInt(5),
  MAIL_MAX_PER_RECIPIENT_DAILY: positiveInt(20),
  MAIL_MAX_PER_ORG_HOURLY: positiveInt(500),
  /** Email sign-in codes of one user (enrolment or login): a rolling minimum interval, an hourly and a daily cap. */
  EMAIL_CODE_MIN_INTERVAL_PER_USER: positiveInt(30),
  EMAIL_CODE_MAX_PER_USER_HOURLY: positiveInt(5),
  EMAIL_CODE_MAX_PER_USER_DAILY: positiveInt(10),
  /** Where the self-service page is served: links in emails (invitations, password reset) point here. */
  PUBLIC_URL: (raw = 'http://localhost:3000') => url(raw),
  /**
   * Multiplies every request budget and AWS client timeout (shared/store/aws-policy.ts): 1 in AWS.
   * DynamoDB Local on a slow or shared machine (the tests, npm start) may need more.
   */
  TIMEOUT_SCALE: (raw) => (present(raw) ? number(raw, { exclusiveMin: 0, max: 100 }) : 1),
  LOG_LEVEL: oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'], 'INFO'),
  /**
   * Each AWS call as an X-Ray subsegment (shared/store/aws-call-tracing.ts). Set by the stack
   * where X-Ray active tracing is on; without Lambda's X-Ray daemon (AWS_XRAY_DAEMON_ADDRESS) it does nothing.
   */
  TRACE_AWS_CALLS: oneOf(['true', 'false'], 'false'),
  /**
   * The secret CloudFront adds to API requests (shared/http/client-address.ts): only a request that
   * carries it is believed about the viewer's address. Set by the stack when CloudFront is in front.
   */
  ORIGIN_VERIFY_SECRET: optional(minLength(16)),
  /**
   * Serve only requests that came through CloudFront (they carry ORIGIN_VERIFY_SECRET); set by the
   * stack behind the front door unless `executeApiEndpoint` keeps the raw API for direct clients.
   */
  FRONT_DOOR_ONLY: oneOf(['true', 'false'], 'false'),
} satisfies Record<string, Reader<unknown>>;

export type Config = { [K in keyof typeof readers]: ReturnType<(typeof readers)[K]> };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, read] of Object.entries(readers)) {
    try {
      config[name] = read(env[name]);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      problems.push(`${name}: ${error.message}`);
    }
  }
  if (problems.length) throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  if (config.DATA_KEY_SOURCE === 'kms' && !config.KMS_KEY_ID) {
    throw new Error('Invalid configuration: KMS_KEY_ID is required when DATA_KEY_SOURCE=kms (it wraps the data key)');
  }
  if (config.EMAIL_SENDER === 'ses' && !config.EMAIL_FROM) {
    throw new Error('Invalid configuration: EMAIL_FROM is required when EMAIL_SENDER=ses (the verified SES identity)');
  }
  return config as Config;
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

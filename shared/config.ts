/**
 * Configuration, read and validated once per cold start. Every value has a safe local default except
 * those a deployment must choose; a bad value fails fast, naming the variable and why.
 */
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const schema = z.object({
  TABLE_NAME: z.string().min(1).default('twofactor'),
  /** Set locally (DynamoDB Local); unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  /** `file` keeps the data key in DATA_KEY_FILE (local); `kms` wraps it with KMS_KEY_ID (AWS). */
  DATA_KEY_SOURCE: z.enum(['file', 'kms']).default('file'),
  DATA_KEY_FILE: z.string().default('.data/data-key'),
  KMS_KEY_ID: z.string().optional(),
  TOKEN_ISSUER: z.string().min(1).default('http://127.0.0.1:3000'),
  TOKEN_AUDIENCE: z.string().min(1).default('twofactor-api'),
  ACCESS_TOKEN_TTL: seconds(15 * 60),
  PENDING_TOKEN_TTL: seconds(5 * 60),
  /** NIST SP 800-63B-4 AAL2 reauthentication: 24 h absolute, 1 h inactivity. */
  SESSION_ABSOLUTE_TTL: seconds(24 * 3600),
  SESSION_IDLE_TTL: seconds(3600),
  /** Impersonation tokens: short-lived and never refreshable (at most 30 minutes). */
  IMPERSONATION_TTL: z.coerce.number().int().min(60).max(1800).default(15 * 60),
  /** How long an old signing key stays published after a rotation. */
  SIGNING_KEY_RETENTION: seconds(24 * 3600),
  /** log2 of scrypt's N; OWASP: 2^17 with r=8, p=1. */
  SCRYPT_LOG_N: z.coerce.number().int().min(14).max(20).default(17),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: seconds(10),
  LOGIN_MAX_FAILURES_PER_IP: seconds(50),
  LOGIN_FAILURE_WINDOW: seconds(15 * 60),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(16 * 1024),
  APP_NAME: z.string().min(1).default('TwoFactor'),
  WEBAUTHN_RP_ID: z.string().default('localhost'),
  WEBAUTHN_ORIGINS: list('http://localhost:3000'),
  /** `outbox` appends messages to SMS_OUTBOX_FILE (local); `sns` publishes through Amazon SNS. */
  SMS_SENDER: z.enum(['outbox', 'sns']).default('outbox'),
  SMS_OUTBOX_FILE: z.string().default('.data/sms-outbox.jsonl'),
  SMS_SENDER_ID: z.string().regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits').optional(),
  SMS_ORIGINATION_NUMBER: z.string().regex(/^\+\d{6,15}$/, 'must be an E.164 number').optional(),
  /** Message text per language: `{code}` and `{app}` are replaced. JSON object, `en` required. */
  SMS_TEMPLATES: z
    .string()
    .default('{"en":"{code} is your {app} verification code. It expires in 5 minutes."}')
    .transform((text, ctx) => {
      try {
        const templates = z.record(z.string(), z.string().includes('{code}')).parse(JSON.parse(text));
        if (!templates.en) throw new Error('an "en" template is required');
        return templates;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object of templates containing {code}: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  /** Country calling codes SMS may go to (e.g. "45,46,47"); empty allows all. Orgs can narrow it further. */
  SMS_ALLOWED_COUNTRY_CODES: list(''),
  SMS_MIN_INTERVAL_PER_USER: seconds(30),
  SMS_MAX_PER_USER_HOURLY: seconds(5),
  SMS_MAX_PER_PHONE_10MIN: seconds(5),
  SMS_MAX_PER_PHONE_DAILY: seconds(10),
  SMS_MAX_PER_ORG_HOURLY: seconds(200),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
});

export type Config = z.infer<typeof schema>;

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

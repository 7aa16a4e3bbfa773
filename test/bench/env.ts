/**
 * The benchmark's environment, set before anything reads configuration (it is read once per
 * process). Imported first by run.ts. scrypt keeps its production cost (SCRYPT_LOG_N=17) unless the
 * caller sets it, so login latency is what a deployment would see.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const benchTmpDir = mkdtempSync(join(tmpdir(), 'twofactor-bench-'));

process.env.TABLE_NAME = 'twofactor-bench';
process.env.DATA_KEY_SOURCE = 'file';
process.env.DATA_KEY_FILE = join(benchTmpDir, 'data-key');
process.env.LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.SCRYPT_LOG_N; // the production default (17), whatever the shell says
process.env.SMS_OUTBOX_FILE = join(benchTmpDir, 'sms-outbox.jsonl');
process.env.SMS_OUTBOX_PRINT = 'false';
// The SMS abuse limits would refuse the benchmark's repeated sends; they do not change call counts
// (one transaction checks them all), so they are raised here.
process.env.SMS_MIN_INTERVAL_PER_USER = '1';
process.env.SMS_MAX_PER_USER_HOURLY = '100000';
process.env.SMS_MAX_PER_USER_DAILY = '100000';
process.env.SMS_MAX_PER_PHONE_10MIN = '100000';
process.env.SMS_MAX_PER_PHONE_DAILY = '100000';
process.env.SMS_MAX_PER_ORG_HOURLY = '100000';
// Failed logins are throttled per account and per address; the timing comparison of a wrong password
// and an unknown email needs many of both.
process.env.LOGIN_MAX_FAILURES_PER_ACCOUNT = '100000';
// Likewise the forgotten-password comparison: many requests for one known address from one client.
process.env.PASSWORD_RESET_MAX_PER_EMAIL = '100000';
process.env.PASSWORD_RESET_MAX_PER_IP = '100000';
process.env.MAIL_MAX_PER_RECIPIENT_HOURLY = '100000';
process.env.MAIL_MAX_PER_RECIPIENT_DAILY = '100000';
process.env.EMAIL_OUTBOX_FILE = join(benchTmpDir, 'email-outbox.jsonl');
process.env.EMAIL_OUTBOX_PRINT = 'false';
// DynamoDB Local on a shared machine is slower than DynamoDB: budgets and AWS timeouts ×10, as in
// the tests. The load phase raises its server's further, from the measured hash time, for sixteen
// scrypt logins queued on this machine's cores (load/environment.ts).
process.env.TIMEOUT_SCALE ??= '10';
process.env.LOGIN_MAX_FAILURES_PER_IP = '100000';

/**
 * The soak's server, in its own process so its memory is its own: DynamoDB Local (in memory), the
 * table, the local gateway on a free loopback port, and the soak's org and users. Tells the parent
 * (IPC) where it listens and who the users are, and answers `memory` requests with its usage.
 * The SMS limits are raised (the soak is about load, not limits); everything else is the default
 * configuration but scrypt's cost (SOAK_SCRYPT_LOG_N, default 14: 2^17 would make the soak measure
 * scrypt on two shared cores) and TIMEOUT_SCALE (default 5, for DynamoDB Local).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTable } from '../../infra/local/create-table';
import { startDynamoDbLocal } from '../../infra/local/dynamodb';

const dir = mkdtempSync(join(tmpdir(), 'twofactor-soak-'));
Object.assign(process.env, {
  TABLE_NAME: 'twofactor-soak',
  DATA_KEY_FILE: join(dir, 'data-key'),
  SMS_OUTBOX_FILE: join(dir, 'sms-outbox.jsonl'),
  SMS_OUTBOX_PRINT: 'false',
  SCRYPT_LOG_N: process.env.SOAK_SCRYPT_LOG_N ?? '14',
  SMS_MIN_INTERVAL_PER_USER: '1',
  SMS_MAX_PER_USER_HOURLY: '100000',
  SMS_MAX_PER_USER_DAILY: '100000',
  SMS_MAX_PER_PHONE_10MIN: '100000',
  SMS_MAX_PER_PHONE_DAILY: '100000',
  SMS_MAX_PER_ORG_HOURLY: '100000',
  LOG_LEVEL: 'ERROR',
  // DynamoDB Local is no DynamoDB: on a shared machine its calls sometimes take seconds.
  TIMEOUT_SCALE: process.env.TIMEOUT_SCALE ?? '5',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

async function main(): Promise<void> {
  const dynamo = await startDynamoDbLocal({ port: 0, jvm: 'full' });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  await ensureTable(dynamo.endpoint, 'twofactor-soak');
  const { startGateway } = await import('../../infra/local/gateway');
  const { bootstrapUser } = await import('../../shared/identity/bootstrap');
  const { url } = await startGateway(0);
  const workers = Number(process.env.SOAK_USERS ?? 32);
  const org = `Soak ${Date.now()}`;
  const admin = await bootstrapUser(org, 'admin@soak.test', 'admin');
  const users = [];
  for (let i = 0; i < workers; i++) {
    const made = await Promise.all(['password', 'totp', 'key', 'sms'].map((kind) => bootstrapUser(org, `${kind}-${i}@soak.test`, 'member')));
    users.push({ password: made[0], totp: made[1], key: made[2], sms: made[3] });
  }
  const stop = () => void dynamo.stop({ force: true }).finally(() => process.exit(0));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'memory') process.send!({ type: 'memory', usage: process.memoryUsage() });
    if (message.type === 'stop') stop();
  });
  // The parent gone (or killed us): DynamoDB Local goes too.
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.send!({ type: 'ready', url, admin, users, outbox: process.env.SMS_OUTBOX_FILE });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

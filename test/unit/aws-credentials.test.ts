/**
 * infra/local/aws-credentials.ts: the operator's `--aws` scripts find credentials where the AWS CLI
 * does (here a profile in a shared credentials file) and hand them to the service's DynamoDB client
 * through the environment; credentials already there are left alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useDefaultCredentials } from '../../infra/local/aws-credentials';

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aws-credentials-'));
  for (const k of KEYS) delete process.env[k];
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const k of KEYS) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
});

it('puts a profile’s credentials in the environment', async () => {
  const file = join(dir, 'credentials');
  writeFileSync(file, '[operator]\naws_access_key_id = AKIAOPERATOR\naws_secret_access_key = secret\naws_session_token = token\n');
  Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, 'none'), AWS_PROFILE: 'operator' });
  await useDefaultCredentials();
  expect([process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN]).toEqual(['AKIAOPERATOR', 'secret', 'token']);
});

it('leaves the environment’s own credentials as they are', async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env', AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_PROFILE: 'operator' });
  await useDefaultCredentials();
  expect(process.env.AWS_ACCESS_KEY_ID).toBe('AKIAENV');
});

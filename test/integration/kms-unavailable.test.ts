/**
 * KMS down at a cold start: the real KMS client (the local KMS stand-in behind it, faults injected
 * through its middleware stack) in a table of its own, whose data key KMS wraps. The first request
 * answers 503 and the failure is not cached: the next request unwraps the key. Once warm, the
 * process needs KMS no more.
 */
import { installFaults } from '../../infra/local/faults';
import { CallRecorder, startKmsStandIn, type StandIn } from '../../infra/local/synth/aws-standins';
import { setKeyProvider } from '../../shared/adapters/key-provider';
import { resetConfig } from '../../shared/config';
import { resetSecrets } from '../../shared/crypto/secrets';
import { resetSigningKeyCache } from '../../shared/tokens/signing-keys';
import { newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { useOwnTable } from '../support/own-table';

// The real budgets and timeouts ×2: DynamoDB Local on a shared machine sometimes takes a second.
process.env.TIMEOUT_SCALE = '2';

useOwnTable('kms');

const key = { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', arn: 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab' };
let kms: StandIn;
const saved = { ...process.env };

function coldStart(): void {
  resetConfig();
  setKeyProvider(undefined);
  resetSecrets();
  resetSigningKeyCache();
}

beforeAll(async () => {
  kms = await startKmsStandIn({ keys: [key], secretFile: `${process.env.TEST_DATA_DIR ?? '/tmp/twofactor-test'}/kms-faults-root`, recorder: new CallRecorder() });
  Object.assign(process.env, {
    DATA_KEY_SOURCE: 'kms',
    KMS_KEY_ID: key.arn,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_ACCESS_KEY_ID: 'tests',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  coldStart();
});

afterAll(async () => {
  process.env = saved;
  coldStart();
  await kms.close();
});

it('answers 503 with Retry-After, unwraps on the next request, and a warm process serves logins with KMS down', async () => {
  const org = await newOrg();
  const body = { email: org.member.email, password: org.member.password };
  coldStart();
  const faults = await installFaults({ rate: 1, kinds: ['unavailable'], services: ['kms'], seed: 4 });
  try {
    const refused = await invoke('POST /api/auth/login', { body });
    expect(refused).toMatchObject({ status: 503, body: { code: 'unavailable' } });
    expect(refused.headers['Retry-After']).toBe('1');
    expect(faults.stats.injected.unavailable).toBe(2); // the KMS policy's two attempts

    faults.enabled = false; // KMS is back
    expect((await invoke('POST /api/auth/login', { body })).status).toBe(200);

    faults.enabled = true; // down again: the warm process has its data key and signing key
    expect((await invoke('POST /api/auth/login', { body })).status).toBe(200);
    expect(faults.stats.injected.unavailable).toBe(2);
  } finally {
    await faults.uninstall();
  }
});

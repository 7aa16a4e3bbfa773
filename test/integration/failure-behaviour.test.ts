/**
 * What a client sees when AWS fails: the real SDK clients, faults injected through their own
 * middleware stack (infra/local/faults.ts), DynamoDB Local for the table, the local KMS and SNS
 * stand-ins for those services. Throttling, errors and stalls that outlast the retries answer 503
 * with Retry-After in the route's dialect, within the route's budget; a failed KMS unwrap is not
 * cached; an SMS that SNS refuses does not count against the user's sends.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { AddSecondFactorToLoginPolicyRequestSchema } from '../../functions/zitadel/gen/zitadel/management_pb';
import { SecondFactorType } from '../../functions/zitadel/gen/zitadel/policy_pb';
import { BUDGETS } from '../../functions/routes';
import { installFaults, type FaultSpec, type Faults } from '../../infra/local/faults';
import { CallRecorder , startSnsStandIn, type StandIn } from '../../infra/local/synth/aws-standins';
import { setSmsSender } from '../../shared/adapters/sms-sender';
import { resetConfig } from '../../shared/config';
import { CLIENT_POLICIES } from '../../shared/store/aws-policy';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { useOwnTable } from '../support/own-table';

// The real budgets and timeouts ×2: DynamoDB Local on a shared machine sometimes takes a second.
const SCALE = 2;
process.env.TIMEOUT_SCALE = String(SCALE);
import { testClock } from '../support/clock';
import { callRpc, frame } from '../support/rpc';
import { randomDanishMobile } from '../support/sms';
import { enrolTotp, totpCode } from '../support/two-factor';

useOwnTable('failures');

let faults: Faults | undefined;
async function inject(spec: FaultSpec): Promise<Faults> {
  faults = await installFaults({ seed: 20, ...spec });
  return faults;
}
afterEach(async () => {
  await faults?.uninstall();
  faults = undefined;
});

const throttled: FaultSpec = { rate: 1, kinds: ['throttling'], services: ['dynamodb'] };

describe('DynamoDB throttled past the retries: 503 with Retry-After in every dialect', () => {
  it('problem details', async () => {
    const org = await newOrg();
    await inject(throttled);
    const response = await invoke('POST /api/auth/login', { body: { email: org.member.email, password: org.member.password } });
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(Number(response.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(response.body).toMatchObject({ status: 503, code: 'unavailable', title: 'Service Unavailable' });
    expect(JSON.stringify(response.body)).not.toMatch(/Throttling|injected/);
    // Three attempts, each one refused.
    expect(faults!.stats.injected.throttling).toBe(3);
  });

  it('Zitadel REST: {code: 14} with HTTP 503', async () => {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    await inject(throttled);
    const response = await invoke('POST /management/v1/policies/login/second_factors', { token, body: { type: 'SECOND_FACTOR_TYPE_OTP' } });
    expect(response.status).toBe(503);
    expect(response.headers['Retry-After']).toBeDefined();
    expect(response.body).toMatchObject({ code: 14, details: [] });
  });

  it('gRPC-web and Connect: code 14 unavailable', async () => {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    const body = toBinary(AddSecondFactorToLoginPolicyRequestSchema, create(AddSecondFactorToLoginPolicyRequestSchema, { type: SecondFactorType.OTP }));
    await inject(throttled);
    const key = 'POST /zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy' as const;
    expect(await callRpc(key, 'application/grpc-web+proto', frame(body), { token })).toMatchObject({ code: 14, httpStatus: 200 });
    expect(await callRpc(key, 'application/proto', body, { token, headers: { 'connect-protocol-version': '1' } })).toMatchObject({ httpStatus: 503 });
  });
});

describe('a stalled connection', () => {
  it('is cut by the request timeout and retried: the request succeeds', async () => {
    const org = await newOrg();
    const f = await inject({ rate: 0, kinds: [], stallRate: 1, limit: 1, services: ['dynamodb'] });
    const started = Date.now();
    const response = await invoke('POST /api/auth/login', { body: { email: org.member.email, password: org.member.password } });
    expect(response.status).toBe(200);
    expect(f.stats.injected.stall).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(CLIENT_POLICIES.dynamodb.requestTimeoutMs * SCALE - 50);
  });

  it('that outlasts the budget answers 503 within it, not at the Lambda timeout', async () => {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    await inject({ rate: 0, kinds: [], stallRate: 1, services: ['dynamodb'] });
    const started = Date.now();
    const response = await invoke('GET /api/settings/twofactor', { token });
    const took = Date.now() - started;
    expect(response).toMatchObject({ status: 503, body: { code: 'unavailable' } });
    expect(took).toBeGreaterThanOrEqual(BUDGETS.standard * SCALE - 100);
    expect(took).toBeLessThan(BUDGETS.standard * SCALE + 1000);
  });
});

describe('SNS refusing an SMS', () => {
  let sns: StandIn;
  beforeAll(async () => {
    sns = await startSnsStandIn({ recorder: new CallRecorder(), deliver: async () => undefined });
    Object.assign(process.env, { SMS_SENDER: 'sns', AWS_ENDPOINT_URL_SNS: sns.endpoint, AWS_ACCESS_KEY_ID: 'tests', AWS_SECRET_ACCESS_KEY: 'local' });
    resetConfig();
    setSmsSender(undefined);
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_SNS;
    process.env.SMS_SENDER = 'outbox';
    resetConfig();
    setSmsSender(undefined);
    await sns.close();
  });

  it('answers 503 sms_delivery_failed, and the send is not counted: the next one goes at once', async () => {
    const org = await newOrg();
    await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(org.admin), params: { method: 'sms' } });
    forgetCachedPolicy(org.orgId);
    const token = await accessToken(org.member);
    expect((await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone: randomDanishMobile() } })).status).toBe(204);

    const f = await inject({ rate: 1, kinds: ['unavailable'], services: ['sns'] });
    const refused = await invoke('POST /api/two-factor/send-verification', { token });
    expect(refused).toMatchObject({ status: 503, body: { code: 'sms_delivery_failed' } });
    expect(refused.headers['Retry-After']).toBe('1');

    // Counted, the per-user 30 s interval would refuse this with 429.
    f.enabled = false;
    expect((await invoke('POST /api/two-factor/send-verification', { token })).status).toBe(204);
  });

  it('a warm function keeps serving TOTP logins while SNS is down', async () => {
    const org = await newOrg();
    const secret = await enrolTotp(await accessToken(org.member));
    await inject({ rate: 1, kinds: ['unavailable'], services: ['sns'] });
    const clock = testClock();
    try {
      clock.advance(30); // the enrolment used this step's code
      const pending = await login(org.member);
      const response = await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code: await totpCode(secret) } });
      expect(response.status).toBe(200);
    } finally {
      clock.restore();
    }
  });
});

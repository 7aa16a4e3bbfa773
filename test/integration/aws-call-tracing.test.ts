/**
 * Every AWS call a request makes is an X-Ray subsegment of the function's trace
 * (shared/store/aws-call-tracing.ts). A UDP socket stands in for Lambda's X-Ray daemon; the trace
 * header is set per "invocation" as Lambda sets it; a login and its SMS second factor run against
 * DynamoDB Local, with the KMS and SNS stand-ins of the synthesized mode (their wire protocols, so
 * the calls go through the whole client). Every call the clients made (their decorator counts
 * them, and the stand-ins record theirs) must have its subsegment, under the
 * segment the header names, holding no secret.
 */
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallRecorder, startKmsStandIn, startSnsStandIn, type StandIn } from '../../infra/local/synth/aws-standins';
import { setKeyProvider } from '../../shared/adapters/key-provider';
import { setSmsSender } from '../../shared/adapters/sms-sender';
import { resetConfig } from '../../shared/config';
import { resetSecrets } from '../../shared/crypto/secrets';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { setClientDecorator } from '../../shared/store/aws-client';
import { resetDb } from '../../shared/store/client';
import { resetSigningKeyCache } from '../../shared/tokens/signing-keys';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { useOwnTable } from '../support/own-table';
import { randomDanishMobile } from '../support/sms';

const table = useOwnTable('tracing');
const keyArn = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';

interface Subsegment {
  name: string;
  id: string;
  trace_id: string;
  parent_id: string;
  type: string;
  namespace: string;
  start_time: number;
  end_time: number;
  aws: Record<string, unknown> & { operation: string };
  http?: { response: { status: number } };
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
}

const received: Subsegment[] = [];
const badDatagrams: string[] = [];
/** Every call made on a hardened client: service, operation and the trace header it ran under. */
const made: Array<{ service: string; operation: string; header?: string }> = [];
const sms = new Map<string, string>();
const kmsCalls = new CallRecorder();
const snsCalls = new CallRecorder();
let daemon: Socket;
let kms: StandIn;
let sns: StandIn;
let dir: string;
const saved = { ...process.env };

function resetClients(): void {
  resetConfig();
  resetDb();
  setKeyProvider(undefined);
  resetSecrets();
  resetSigningKeyCache();
  setSmsSender(undefined);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twofactor-tracing-'));
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    const text = message.toString('utf8');
    const newline = text.indexOf('\n');
    if (newline < 0 || text.slice(0, newline) !== '{"format":"json","version":1}') badDatagrams.push(text);
    else received.push(JSON.parse(text.slice(newline + 1)) as Subsegment);
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  kms = await startKmsStandIn({ keys: [{ keyId: keyArn.split('/')[1]!, arn: keyArn }], secretFile: join(dir, 'kms-secret'), recorder: kmsCalls });
  sns = await startSnsStandIn({ recorder: snsCalls, deliver: async (to, message) => void sms.set(to, /\b(\d{6})\b/.exec(message)![1]!) });
  Object.assign(process.env, {
    DATA_KEY_SOURCE: 'kms',
    KMS_KEY_ID: keyArn,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    SMS_SENDER: 'sns',
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    AWS_ACCESS_KEY_ID: 'tests',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    TRACE_AWS_CALLS: 'true',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
  });
  delete process.env._X_AMZN_TRACE_ID;
  setClientDecorator((client, service) =>
    client.intercept((call, next) => {
      made.push({ service, operation: call.operation, header: process.env._X_AMZN_TRACE_ID });
      return next(call);
    }),
  );
  resetClients();
});

afterAll(async () => {
  setClientDecorator(undefined);
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  resetClients();
  daemon.close();
  await Promise.all([kms.close(), sns.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const hex = (bytes: number) => randomUUID().replace(/-/g, '').slice(0, bytes * 2);

/** One invocation as Lambda runs it: its own trace header, sampled; the subsegments it sent. */
async function traced<T>(work: () => Promise<T>): Promise<{ result: T; traceId: string; parentId: string; subsegments: Subsegment[]; calls: typeof made }> {
  const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)}`;
  const parentId = hex(8);
  const header = `Root=${traceId};Parent=${parentId};Sampled=1`;
  process.env._X_AMZN_TRACE_ID = header;
  try {
    const result = await work();
    const calls = made.filter((c) => c.header === header);
    // UDP on loopback: each datagram arrives within moments of its send.
    const deadline = Date.now() + 3000;
    while (received.filter((s) => s.trace_id === traceId).length < calls.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50)); // and nothing more than one per call
    return { result, traceId, parentId, subsegments: received.filter((s) => s.trace_id === traceId), calls };
  } finally {
    delete process.env._X_AMZN_TRACE_ID;
  }
}

const SERVICE = { dynamodb: 'DynamoDB', kms: 'KMS', sns: 'SNS', ses: 'SES' } as Record<string, string>;
const ALLOWED_AWS_FIELDS = ['operation', 'region', 'request_id', 'retries', 'table_name', 'table_names', 'key_id', 'topic_arn'];

/** One subsegment per call made, each a child of the invocation's segment, with its facts. */
function expectEveryCallTraced(run: Awaited<ReturnType<typeof traced>>): void {
  expect(run.calls.length).toBeGreaterThan(0);
  const key = (name: string, operation: string) => `${name} ${operation}`;
  expect(run.subsegments.map((s) => key(s.name, s.aws.operation)).sort()).toEqual(run.calls.map((c) => key(SERVICE[c.service]!, c.operation)).sort());
  for (const s of run.subsegments) {
    expect(s).toMatchObject({ type: 'subsegment', namespace: 'aws', trace_id: run.traceId, parent_id: run.parentId });
    expect(s.id).toMatch(/^[0-9a-f]{16}$/);
    expect(s.end_time).toBeGreaterThanOrEqual(s.start_time);
    expect(s.aws.region).toBe('us-east-1');
    expect(s.aws.request_id).toEqual(expect.any(String));
    expect(s.aws.retries).toBe(0);
    expect(Object.keys(s.aws).every((field) => ALLOWED_AWS_FIELDS.includes(field))).toBe(true);
    if (s.name === 'DynamoDB') expect(s.aws.table_name).toBe(table);
    if (s.name === 'KMS') expect(s.aws.key_id).toBe(keyArn);
    if (!s.error && !s.fault) expect(s.http).toEqual({ response: { status: 200 } });
  }
}

/** Nothing a request carries in secret appears in what X-Ray keeps (the times aside: digits). */
function expectNoSecrets(subsegments: Subsegment[], secrets: string[]): void {
  const text = JSON.stringify(subsegments.map(({ start_time: _s, end_time: _e, ...rest }) => rest));
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/"(Key|Item|Message|PhoneNumber|CiphertextBlob|Plaintext)"/);
}

describe('AWS call tracing', () => {
  let clock: ReturnType<typeof testClock>;
  beforeEach(() => {
    clock = testClock();
  });
  afterEach(() => clock.restore());

  it('sends each call of a login and its SMS second factor as a subsegment of the invocation, with no secret', async () => {
    // Set-up, unsampled: an org allowing SMS, a member with a verified phone. Nothing is sent.
    const org = await newOrg();
    await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(org.admin), params: { method: 'sms' } });
    forgetCachedPolicy(org.orgId);
    const memberToken = await accessToken(org.member);
    const phone = randomDanishMobile();
    const e164 = `+45${phone}`;
    expect((await invoke('PATCH /api/two-factor', { token: memberToken, body: { method: 'sms', phone_prefix: 45, phone } })).status).toBe(204);
    expect((await invoke('POST /api/two-factor/send-verification', { token: memberToken })).status).toBe(204);
    expect((await invoke('POST /api/two-factor/verify', { token: memberToken, body: { key: sms.get(e164) } })).status).toBe(204);
    clock.advance(31);
    expect(made.length).toBeGreaterThan(0);
    expect(received).toEqual([]);
    expect(badDatagrams).toEqual([]);

    // A cold start: every client built anew, the data key unwrapped by KMS on first use.
    resetClients();
    const kmsBefore = kmsCalls.calls.length;
    const first = await traced(() => login(org.member));
    expect(first.result).toMatchObject({ twoFactorRequired: true, methods: ['sms'] });
    expectEveryCallTraced(first);
    expect(first.subsegments.filter((s) => s.name === 'KMS').map((s) => s.aws.operation)).toEqual(['Decrypt']);
    expect(kmsCalls.calls.slice(kmsBefore).map((c) => c.action)).toEqual(['kms:Decrypt']);
    const pendingToken = first.result.pendingToken!;

    const snsBefore = snsCalls.calls.length;
    const send = await traced(() => invoke('POST /api/two-factor/send-verification', { token: pendingToken }));
    expect(send.result.status).toBe(204);
    expectEveryCallTraced(send);
    expect(send.subsegments.filter((s) => s.name === 'SNS').map((s) => s.aws.operation)).toEqual(['Publish']);
    expect(snsCalls.calls.slice(snsBefore).map((c) => c.action)).toEqual(['sns:Publish']);
    const code = sms.get(e164)!;

    const finish = await traced(() => invoke('POST /2fa/authenticate', { token: pendingToken, body: { code } }));
    expect(finish.result.status).toBe(200);
    expectEveryCallTraced(finish);
    expect(finish.subsegments.every((s) => s.name === 'DynamoDB')).toBe(true);
    expect(finish.subsegments.map((s) => s.aws.operation)).toContain('TransactWriteItems');

    expectNoSecrets([...first.subsegments, ...send.subsegments, ...finish.subsegments], [
      e164,
      phone,
      code,
      org.member.email,
      org.member.password,
      pendingToken,
      finish.result.body.accessToken,
      finish.result.body.refreshToken,
    ]);
    expect(badDatagrams).toEqual([]);
  });

  it('sends nothing for a request that is not sampled', async () => {
    const org = await newOrg();
    const before = received.length;
    process.env._X_AMZN_TRACE_ID = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)};Parent=${hex(8)};Sampled=0`;
    try {
      expect((await login(org.admin)).accessToken).toEqual(expect.any(String));
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(before);
  });
});

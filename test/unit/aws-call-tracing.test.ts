/**
 * The X-Ray subsegment of one AWS call (shared/store/aws-call-tracing.ts): the trace header and
 * daemon address as Lambda gives them, X-Ray's error/throttle/fault flags, the names kept and the
 * values never kept; and that a client traces only where tracing is on.
 */
import { createSocket, type Socket } from 'node:dgram';
import { daemonAddress, traceContext, tracingInterceptor } from '../../shared/store/aws-call-tracing';
import { CLIENT_POLICIES } from '../../shared/store/aws-policy';
import { DynamoDb } from '../../shared/store/client';
import { GetCommand } from '../../shared/store/commands';
import { resetConfig } from '../../shared/config';

const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0';
let daemon: Socket;
const received: Array<Record<string, any>> = [];
const saved = { ...process.env };

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (m) => received.push(JSON.parse(m.toString('utf8').split('\n')[1]!)));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  process.env.AWS_XRAY_DAEMON_ADDRESS = `tcp:127.0.0.1:9 udp:127.0.0.1:${daemon.address().port}`;
  process.env._X_AMZN_TRACE_ID = header;
  process.env.AWS_REGION = 'eu-west-1';
});
afterAll(() => {
  daemon.close();
  for (const name of ['AWS_XRAY_DAEMON_ADDRESS', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'TRACE_AWS_CALLS']) delete process.env[name];
  Object.assign(process.env, saved);
  resetConfig();
});
beforeEach(() => {
  received.length = 0;
});

async function oneCall(service: string, operation: string, input: Record<string, unknown>, next: () => Promise<Record<string, unknown>>) {
  const call = tracingInterceptor(service)({ operation, input }, next);
  const outcome = await call.then(
    () => 'ok',
    (error: Error) => error,
  );
  const deadline = Date.now() + 2000;
  while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return { outcome, subsegment: received[0]! };
}

const sdkError = (name: string, status: number | undefined, extra: object = {}) =>
  Object.assign(new Error(`${name}: the request's values could be echoed here`), { name, $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 3 }, ...extra });

describe('the trace header and the daemon address', () => {
  it('reads the root and parent of a sampled request only', () => {
    expect(traceContext(header)).toEqual({ traceId: '1-5759e988-bd862e3fe1be46a994272793', parentId: '53995c3f42cd8ad8' });
    expect(traceContext(header.replace('Sampled=1', 'Sampled=0'))).toBeUndefined();
    expect(traceContext('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1')).toBeUndefined();
    expect(traceContext('')).toBeUndefined();
  });

  it("prefers the runtime's per-invocation store to the environment variable", () => {
    const inStore = 'Root=1-5759e988-00000000000000000000000a;Parent=000000000000000b;Sampled=1';
    const global = globalThis as { awslambda?: unknown };
    global.awslambda = { InvokeStore: { getXRayTraceId: () => inStore } };
    try {
      expect(traceContext()).toEqual({ traceId: '1-5759e988-00000000000000000000000a', parentId: '000000000000000b' });
    } finally {
      delete global.awslambda;
    }
    expect(traceContext()).toEqual({ traceId: '1-5759e988-bd862e3fe1be46a994272793', parentId: '53995c3f42cd8ad8' });
  });

  it('takes the UDP address of either form', () => {
    expect(daemonAddress('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(daemonAddress('tcp:127.0.0.1:2000 udp:127.0.0.2:2001')).toEqual({ host: '127.0.0.2', port: 2001 });
    expect(daemonAddress('')).toBeUndefined();
  });
});

describe('a subsegment', () => {
  it('of a success: the service, operation, table, status, request id and retries', async () => {
    const { outcome, subsegment } = await oneCall('dynamodb', 'GetItem', { TableName: 't1', Key: { pk: { S: 'USER#secret@example.test' } } }, async () => ({
      $metadata: { httpStatusCode: 200, requestId: 'ABC', attempts: 2 },
    }));
    expect(outcome).toBe('ok');
    expect(subsegment).toEqual({
      name: 'DynamoDB',
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      parent_id: '53995c3f42cd8ad8',
      type: 'subsegment',
      namespace: 'aws',
      start_time: expect.any(Number),
      end_time: expect.any(Number),
      aws: { operation: 'GetItem', region: 'eu-west-1', table_name: 't1', request_id: 'ABC', retries: 1 },
      http: { response: { status: 200 } },
    });
    expect(JSON.stringify(subsegment)).not.toContain('secret@example.test');
  });

  it('of a transaction over two tables names both; a Publish to a phone names no phone', async () => {
    const ok = async () => ({ $metadata: { httpStatusCode: 200 } });
    const transaction = await oneCall('dynamodb', 'TransactWriteItems', { TransactItems: [{ Put: { TableName: 'a', Item: {} } }, { Update: { TableName: 'b', Key: {} } }] }, ok);
    expect(transaction.subsegment.aws).toMatchObject({ operation: 'TransactWriteItems', table_names: ['a', 'b'] });
    received.length = 0;
    const publish = await oneCall('sns', 'Publish', { PhoneNumber: '+4526123456', Message: '123456 is your code' }, ok);
    expect(publish.subsegment.name).toBe('SNS');
    expect(JSON.stringify(publish.subsegment)).not.toMatch(/4526123456|123456 is/);
  });

  it.each([
    ['a failed condition (4xx): error', sdkError('ConditionalCheckFailedException', 400), { error: true }],
    ['throttling: error and throttle', sdkError('ThrottlingException', 400), { error: true, throttle: true }],
    ['a 5xx: fault', sdkError('InternalServerError', 500), { fault: true }],
    ['no answer (a timeout): fault', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), { fault: true }],
  ])('of %s, with the error type and never its message', async (_label, error, flags) => {
    const { outcome, subsegment } = await oneCall('dynamodb', 'UpdateItem', { TableName: 't1' }, () => Promise.reject(error));
    expect(outcome).toBe(error); // the call's own error, unchanged
    expect(subsegment).toMatchObject(flags);
    for (const flag of ['error', 'throttle', 'fault'] as const) if (!(flag in flags)) expect(subsegment[flag]).toBeUndefined();
    expect(subsegment.cause.exceptions).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{16}$/), type: error.name, remote: '$metadata' in error }]);
    expect(JSON.stringify(subsegment)).not.toContain('could be echoed');
    if ('$metadata' in error) expect(subsegment).toMatchObject({ aws: { request_id: 'req-1', retries: 2 }, http: { response: { status: error.$metadata.httpStatusCode } } });
  });
});

describe('a client', () => {
  /** A DynamoDB client built now, its one attempt answered at the wire; how many subsegments one call sent. */
  async function subsegmentsOfOneCall(): Promise<number> {
    const client = new DynamoDb({ endpoint: new URL('http://127.0.0.1:9'), region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, policy: CLIENT_POLICIES.dynamodb });
    client.interceptAttempts(async () => ({ status: 200, body: '{}' }));
    received.length = 0;
    await client.send(new GetCommand({ TableName: 't1', Key: { pk: 'a', sk: 'b' } }));
    await new Promise((r) => setTimeout(r, 100)); // UDP on loopback arrives within this
    return received.length;
  }

  it('traces its calls only with TRACE_AWS_CALLS and a daemon address', async () => {
    process.env.TRACE_AWS_CALLS = 'false';
    resetConfig();
    expect(await subsegmentsOfOneCall()).toBe(0);
    process.env.TRACE_AWS_CALLS = 'true';
    resetConfig();
    expect(await subsegmentsOfOneCall()).toBe(1);
    const address = process.env.AWS_XRAY_DAEMON_ADDRESS;
    delete process.env.AWS_XRAY_DAEMON_ADDRESS;
    try {
      expect(await subsegmentsOfOneCall()).toBe(0);
    } finally {
      process.env.AWS_XRAY_DAEMON_ADDRESS = address;
    }
  });
});

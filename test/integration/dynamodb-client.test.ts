/**
 * shared/store/client.ts, the DynamoDB client: document values both ways, DynamoDB's refusals as it
 * names them, the retry policy and the request budget, the timeouts, and SigV4 as AWS checks it.
 * Against DynamoDB Local; what it cannot do (throttle, stall, check a signature) comes from attempt
 * interceptors and a local HTTP server.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { refusedBy } from '../../infra/local/faults';
import { Unavailable } from '../../shared/errors';
import { CLIENT_POLICIES, OutOfBudget } from '../../shared/store/aws-policy';
import { AwsServiceError, credentialsOf, endpointOf, TimeoutError, type WireResponse } from '../../shared/store/aws-client';
import { db, DynamoDb, tableName } from '../../shared/store/client';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../../shared/store/commands';
import { withDeadline } from '../../shared/store/deadline';

const key = () => ({ pk: `DOCTEST#${randomUUID()}`, sk: 'ITEM' });
const TableName = () => tableName();

/** DynamoDB's JSON answer to a refused attempt. */
const answer = (status: number, name: string): WireResponse => refusedBy('dynamodb', status, name, `test: ${name}`);

/** A client of its own against DynamoDB Local, with the given policy. */
function ownClient(policy: Partial<typeof CLIENT_POLICIES.dynamodb> = {}, endpoint = new URL(process.env.DYNAMODB_ENDPOINT!)) {
  return new DynamoDb({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, policy: { ...CLIENT_POLICIES.dynamodb, backoffBaseMs: 1, ...policy } });
}

describe('document values', () => {
  it('translates items both ways, as lib-dynamodb does: numbers, sets, maps, lists, bytes; undefined dropped', async () => {
    const k = key();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const item = { ...k, n: 42, s: 'text', set: new Set(['a', 'b']), map: { list: [1, 'two', { three: true }] }, bytes, bytesSet: new Set([Buffer.from('x'), Buffer.from('y')]), dropped: undefined };
    await db().send(new PutCommand({ TableName: TableName(), Item: item }));
    const { Item, $metadata } = await db().send(new GetCommand({ TableName: TableName(), Key: k, ConsistentRead: true }));
    expect(Item).toEqual({ ...k, n: 42, s: 'text', set: new Set(['a', 'b']), map: { list: [1, 'two', { three: true }] }, bytes: Buffer.from(bytes), bytesSet: new Set([Buffer.from('x'), Buffer.from('y')]) });
    expect($metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
  });

  it('in every operation that carries items, keys or values', async () => {
    const k = key();
    await db().send(new PutCommand({ TableName: TableName(), Item: { ...k, n: 1 } }));
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: TableName(), Key: k, UpdateExpression: 'SET n = n + :one', ConditionExpression: 'n = :was', ExpressionAttributeValues: { ':one': 1, ':was': 1 } } },
          { Put: { TableName: TableName(), Item: { pk: k.pk, sk: 'OTHER', list: [new Set([1, 2])] } } },
        ],
      }),
    );
    const { Items } = await db().send(new QueryCommand({ TableName: TableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': k.pk }, ConsistentRead: true }));
    expect(Items?.map((i) => [i.sk, i.n ?? i.list])).toEqual([
      ['ITEM', 2],
      ['OTHER', [new Set([1, 2])]],
    ]);
    const updated = await db().send(new UpdateCommand({ TableName: TableName(), Key: k, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 7 }, ReturnValues: 'ALL_NEW' }));
    expect(updated.Attributes).toEqual({ ...k, n: 7 });

    const others = [key(), key()];
    await db().send(new BatchWriteCommand({ RequestItems: { [TableName()]: [...others.map((o, i) => ({ PutRequest: { Item: { ...o, i } } })), { DeleteRequest: { Key: { pk: k.pk, sk: 'OTHER' } } }] } }));
    const batch = await db().send(new BatchGetCommand({ RequestItems: { [TableName()]: { Keys: [...others, { pk: k.pk, sk: 'OTHER' }], ConsistentRead: true } } }));
    expect(batch.Responses?.[TableName()]?.map((i) => i.i).sort()).toEqual([0, 1]);
    const together = await db().send(new TransactGetCommand({ TransactItems: others.map((o) => ({ Get: { TableName: TableName(), Key: o } })) }));
    expect(together.Responses?.map((r) => r.Item?.i)).toEqual([0, 1]);

    const page = await db().send(new ScanCommand({ TableName: TableName(), Limit: 1, FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': k.pk } }));
    expect(page.LastEvaluatedKey).toEqual(expect.objectContaining({ pk: expect.any(String), sk: expect.any(String) }));
  });

  it('answers concurrent commands each with its own result', async () => {
    const keys = Array.from({ length: 16 }, key);
    await Promise.all(keys.map((k, i) => db().send(new PutCommand({ TableName: TableName(), Item: { ...k, i } }))));
    const read = await Promise.all(keys.map((k) => db().send(new GetCommand({ TableName: TableName(), Key: k, ConsistentRead: true }))));
    expect(read.map((r) => r.Item?.i)).toEqual(keys.map((_, i) => i));
  });
});

describe('refusals, as DynamoDB names them', () => {
  it('a failed condition: ConditionalCheckFailedException with the item as it was (raw), not retried', async () => {
    const k = key();
    await db().send(new PutCommand({ TableName: TableName(), Item: { ...k, n: 1 } }));
    const error = await db()
      .send(new PutCommand({ TableName: TableName(), Item: k, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 }, Item: { ...{ pk: { S: k.pk }, sk: { S: 'ITEM' } }, n: { N: '1' } } });
  });

  it('a cancelled transaction: each item’s reason', async () => {
    const k = key();
    await db().send(new PutCommand({ TableName: TableName(), Item: k }));
    const error = await db()
      .send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TableName(), Item: key() } }, { Put: { TableName: TableName(), Item: k, ConditionExpression: 'attribute_not_exists(pk)' } }] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
  });

  it('a malformed request: ValidationException, reaches the caller unchanged', async () => {
    const error = await db().send(new GetCommand({ TableName: TableName(), Key: { nope: 1 } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect((error as Error).name).toBe('ValidationException');
  });
});

describe('retries and the budget', () => {
  it('retries throttling and a 5xx, and answers with the attempts it took', async () => {
    const client = ownClient();
    const answers = [answer(400, 'ThrottlingException'), answer(500, 'InternalServerError')];
    const bodies: string[] = [];
    client.interceptAttempts((request, next) => {
      bodies.push(request.body);
      return Promise.resolve(answers.shift() ?? next(request));
    });
    const k = key();
    await client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TableName(), Item: k } }] }));
    const { Item, $metadata } = await client.send(new GetCommand({ TableName: TableName(), Key: k, ConsistentRead: true }));
    expect(Item).toEqual(k);
    expect($metadata.attempts).toBe(1);
    // The transaction's three attempts carried one idempotency token: a retry of a write that landed is not applied twice.
    expect(bodies.slice(0, 3).map((b) => (JSON.parse(b) as { ClientRequestToken: string }).ClientRequestToken)).toEqual(Array(3).fill(expect.stringMatching(/^[0-9a-f-]{36}$/)));
    expect(new Set(bodies.slice(0, 3)).size).toBe(1);
    client.destroy();
  });

  it('throttling that outlasts the attempts: Unavailable, retry after 2 s', async () => {
    const client = ownClient();
    let attempts = 0;
    client.interceptAttempts(() => (attempts++, Promise.resolve(answer(400, 'ProvisionedThroughputExceededException'))));
    const error = await client.send(new GetCommand({ TableName: TableName(), Key: key() })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unavailable);
    expect(error).toMatchObject({ headers: { 'Retry-After': '2' }, cause: { name: 'ProvisionedThroughputExceededException', service: 'dynamodb', $metadata: { attempts: 3 } } });
    expect(attempts).toBe(CLIENT_POLICIES.dynamodb.maxAttempts);
    client.destroy();
  });

  it('a server error that outlasts the attempts: Unavailable, retry after 1 s; a refused request is not retried', async () => {
    const client = ownClient();
    const seen: string[] = [];
    client.interceptAttempts((request) => (seen.push(request.operation), Promise.resolve(request.operation === 'GetItem' ? answer(503, 'ServiceUnavailable') : answer(400, 'AccessDeniedException'))));
    expect(await client.send(new GetCommand({ TableName: TableName(), Key: key() })).catch((e: unknown) => e)).toMatchObject({ headers: { 'Retry-After': '1' } });
    const denied = await client.send(new PutCommand({ TableName: TableName(), Item: key() })).catch((e: unknown) => e);
    expect(denied).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(seen).toEqual(['GetItem', 'GetItem', 'GetItem', 'PutItem']);
    client.destroy();
  });

  it('an answer that is not JSON (a proxy’s page) is named by its status', async () => {
    const client = ownClient({ maxAttempts: 1 });
    client.interceptAttempts(() => Promise.resolve({ status: 502, body: '<html>bad gateway</html>' }));
    const error = await client.send(new GetCommand({ TableName: TableName(), Key: key() })).catch((e: unknown) => e);
    expect(error).toMatchObject({ cause: { name: 'Http502', $fault: 'server' } });
    client.destroy();
  });

  it('starts no attempt once the request’s budget is spent: Unavailable, without a call', async () => {
    const client = ownClient();
    let attempts = 0;
    client.interceptAttempts((request, next) => (attempts++, next(request)));
    const error = await withDeadline(10, () => client.send(new GetCommand({ TableName: TableName(), Key: key() }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Error).cause).toBeInstanceOf(OutOfBudget);
    expect(attempts).toBe(0);
    client.destroy();
  });
});

describe('timeouts', () => {
  const sockets = new Set<Socket>();
  const hole = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  let holeUrl: URL;
  beforeAll(async () => {
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    holeUrl = new URL(`http://127.0.0.1:${(hole.address() as { port: number }).port}`);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => hole.close(resolve));
  });

  it('a stalled attempt is cut at the request timeout and retried', async () => {
    const client = ownClient({ requestTimeoutMs: 200 });
    let stalls = 1;
    client.interceptAttempts((request, next) => next(stalls-- > 0 ? { ...request, endpoint: holeUrl } : request));
    const k = key();
    await db().send(new PutCommand({ TableName: TableName(), Item: k }));
    const started = Date.now();
    const { Item, $metadata } = await client.send(new GetCommand({ TableName: TableName(), Key: k, ConsistentRead: true }));
    expect(Item).toEqual(k);
    expect($metadata.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    client.destroy();
  });

  it('each attempt’s timeout is what is left of the budget: it answers within it', async () => {
    const client = ownClient({ requestTimeoutMs: 10_000 });
    client.interceptAttempts((request, next) => next({ ...request, endpoint: holeUrl }));
    const started = Date.now();
    const error = await withDeadline(300, () => client.send(new GetCommand({ TableName: TableName(), Key: key() }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unavailable);
    expect(Date.now() - started).toBeLessThan(2000);
    client.destroy();
  });

  it('a timeout after the last attempt: Unavailable with the TimeoutError', async () => {
    const client = ownClient({ requestTimeoutMs: 100, maxAttempts: 2 });
    client.interceptAttempts((request, next) => next({ ...request, endpoint: holeUrl }));
    const error = await client.send(new GetCommand({ TableName: TableName(), Key: key() })).catch((e: unknown) => e);
    expect(error).toMatchObject({ headers: { 'Retry-After': '1' } });
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
    client.destroy();
  });
});

describe('interceptors', () => {
  it('see each call’s document input and output, outside the retries, until removed', async () => {
    const k = key();
    await db().send(new PutCommand({ TableName: TableName(), Item: k }));
    const seen: unknown[] = [];
    const remove = db().intercept(async (call, next) => {
      const output = await next(call);
      seen.push([call.operation, call.input.Key, output.Item]);
      return output;
    });
    await db().send(new GetCommand({ TableName: TableName(), Key: k, ConsistentRead: true }));
    expect(seen).toEqual([['GetItem', k, k]]);
    remove();
    await db().send(new GetCommand({ TableName: TableName(), Key: k }));
    expect(seen).toHaveLength(1);
  });
});

describe('SigV4, as AWS checks it', () => {
  let server: Server;
  let received: { headers: IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ123' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (received = []));

  const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
  const hmac = (keyBytes: Buffer | string, data: string) => createHmac('sha256', keyBytes).update(data).digest();

  it('signs each POST so that the signature recomputed from AWS’s algorithm matches, session token included', async () => {
    const port = (server.address() as { port: number }).port;
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'SESSION' };
    const client = new DynamoDb({ endpoint: new URL(`http://127.0.0.1:${port}`), region: 'eu-north-1', credentials, policy: CLIENT_POLICIES.dynamodb });
    const { $metadata } = await client.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }));
    client.destroy();
    expect($metadata).toEqual({ httpStatusCode: 200, requestId: 'REQ123', attempts: 1 });

    const [{ headers, body }] = received as [{ headers: IncomingHttpHeaders; body: string }];
    expect(JSON.parse(body)).toEqual({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });
    expect(headers).toMatchObject({ 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0', 'x-amz-security-token': 'SESSION' });
    const auth = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/(\d{8})\/eu-north-1\/dynamodb\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(String(headers.authorization));
    expect(auth).not.toBeNull();
    const [, date, signedHeaders, signature] = auth as unknown as [string, string, string, string];
    const names = signedHeaders.split(';');
    expect(names).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'x-amz-security-token', 'content-type']));
    const canonical = ['POST', '/', '', ...names.map((n) => `${n}:${String(headers[n]).trim()}`), '', signedHeaders, sha256(body)].join('\n');
    const scope = `${date}/eu-north-1/dynamodb/aws4_request`;
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), 'eu-north-1'), 'dynamodb'), 'aws4_request');
    expect(hmac(signingKey, ['AWS4-HMAC-SHA256', String(headers['x-amz-date']), scope, sha256(canonical)].join('\n')).toString('hex')).toBe(signature);
  });
});

describe('where it connects, with what', () => {
  it('the region’s endpoint in AWS; an AWS_ENDPOINT_URL override otherwise', () => {
    expect(endpointOf('dynamodb', 'eu-north-1', {}).href).toBe('https://dynamodb.eu-north-1.amazonaws.com/');
    expect(endpointOf('kms', 'cn-north-1', {}).href).toBe('https://kms.cn-north-1.amazonaws.com.cn/');
    expect(endpointOf('dynamodb', 'us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' }).href).toBe('https://dynamodb-fips.us-east-1.amazonaws.com/');
    expect(endpointOf('dynamodb', 'us-east-1', { AWS_ENDPOINT_URL: 'http://localhost:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' }).href).toBe('http://localhost:8000/');
    expect(endpointOf('kms', 'us-east-1', { AWS_ENDPOINT_URL: 'http://localhost:1', AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' }).href).toBe('http://localhost:1/');
  });

  it('the environment’s credentials, as Lambda sets them', () => {
    expect(credentialsOf({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S', AWS_SESSION_TOKEN: 'T' })).toEqual({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' });
    expect(() => credentialsOf({})).toThrow(/AWS_ACCESS_KEY_ID/);
  });
});

/**
 * The floor of the second-factor step's server CPU on DynamoDB, in a process of its own: per request
 * it reads the JSON body, makes the step's two DynamoDB calls with items shaped as ours (a consistent
 * Query of a user's partition; a transaction that updates the second-factor state on its condition
 * and puts the session and the audit event: floorCalls), and answers with a body the size of our
 * tokens. No token verified, no code checked, no logging: only the I/O the step cannot do without.
 *
 * Three clients make the calls (FLOOR_CLIENT):
 * - `http`: each call signed (SigV4) and sent with node:http over keep-alive, no SDK. Its CPU over
 *   the peer's (SQLite in its process) is what the two round trips cost before anything else.
 * - `client`: the service's own DynamoDB client (shared/store/client.ts: aws4 signing, JSON, our
 *   timeouts, retries and budget). Its CPU over `http` is what the client adds; our server's over
 *   it is what our own code adds (tokens, code check, wrapper, gateway).
 * - `sdk`: the SDK's document client (lib-dynamodb) with its defaults, which the service used
 *   before: measured beside it.
 *
 * Run as a child by the load benchmark (index.ts); IPC: `ready` with its URL, `stop`.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { load, type LoadResult } from './client';
import { readyUrl, stopChild, tsChild } from './children';
import { pin, placement } from './placement';
import { pool } from './pool';

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** A DynamoDB client of the fewest steps: JSON in, SigV4 (the signing key once a day), JSON out. */
function dynamo(endpoint: URL, region: string, secretKey: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let signing = { date: '', key: Buffer.alloc(0) };
  const signedHeaders = 'content-type;host;x-amz-date;x-amz-target';
  const headers = (target: string, body: string) => {
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const date = amzDate.slice(0, 8);
    if (signing.date !== date) signing = { date, key: hmac(hmac(hmac(hmac(`AWS4${secretKey}`, date), region), 'dynamodb'), 'aws4_request') };
    const canonical = ['POST', '/', '', 'content-type:application/x-amz-json-1.0', `host:${endpoint.host}`, `x-amz-date:${amzDate}`, `x-amz-target:${target}`, '', signedHeaders, sha256(body)];
    const scope = `${date}/${region}/dynamodb/aws4_request`;
    const signature = hmac(signing.key, ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical.join('\n'))].join('\n')).toString('hex');
    return {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-date': amzDate,
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=local/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  };
  return (operation: string, input: unknown): Promise<Record<string, unknown>> => {
    const body = JSON.stringify(input);
    return new Promise((resolve, reject) => {
      const r = request(
        { agent, host: endpoint.hostname, port: endpoint.port, method: 'POST', path: '/', headers: headers(`DynamoDB_20120810.${operation}`, body) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const output = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
            if (res.statusCode === 200) resolve(output);
            else reject(new Error(`${operation}: ${res.statusCode} ${String(output.__type)}`));
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  };
}

type Operation = 'PutItem' | 'Query' | 'TransactWriteItems';
type Send = (operation: Operation, input: Record<string, unknown>) => Promise<unknown>;
type Item = Record<string, string | number>;

/** DynamoDB's JSON, for the http client (the SDK's document client does this itself). */
const attributes = (item: Item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]));

/** What the floor's keys take of an item, about (a fixed figure: every client's items get the same attributes whatever its keys). */
const KEY_BYTES = 40;

/** An item of `count` attributes (keys included) and about `bytes` bytes: strings, and every fourth a number. */
function shaped(pk: string, sk: string, count: number, bytes: number): Item {
  const item: Item = { pk, sk };
  const each = Math.max(1, Math.floor((bytes - KEY_BYTES) / Math.max(1, count - 2)) - 3);
  for (let i = 2; i < count; i++) item[`a${i}`] = i % 4 === 0 ? 1_700_000_000 + i : 'x'.repeat(each);
  return item;
}

/** Users in the floor's table, each read and written in turn: as many partitions as a load of ours touches, about. */
const FLOOR_USERS = 500;

/**
 * The floor's calls, through `send`, with items written as `encode` makes them, shaped and keyed as
 * ours are (attribute counts and sizes measured on a 2FA login; keys as shared/store/keys.ts builds
 * them): the account Query reads a user's partition below its sessions, a profile of 13 attributes,
 * the second-factor state of 4 and an authenticator app of 7; the transaction updates that state on
 * a three-part condition (the time step moves forward), puts a session of 14 attributes into the
 * user's partition, only if new, and an audit event of 14 into one of 32 shards of the org's trail.
 * Keyed like this (the state updated in place, the sessions beside it) the floor made about 6% fewer
 * verifies a second than with a fresh partition per request, as it was keyed before: in turn at
 * c=16, medians 333 against 354 req/s. It is now ours in DynamoDB Local's work too: the same CPU per
 * verify in the load phase (3.17 against 3.18 ms).
 * Each verify takes the next of `FLOOR_USERS` users, and the time step is the verify's number
 * (unique, rising for each user), so no code ever waits for a new step.
 */
export function floorCalls(TableName: string, send: Send, encode: (item: Item) => unknown, name: string) {
  const user = (i: number) => `FLOOR#${name}#USER#${i % FLOOR_USERS}`;
  let verifies = 0;
  const query = (pk: string) =>
    send('Query', { TableName, KeyConditionExpression: 'pk = :pk AND sk < :sessions', ExpressionAttributeValues: encode({ ':pk': pk, ':sessions': 'SESSION#' }), ConsistentRead: true });
  const transact = (pk: string, step: number) =>
    send('TransactWriteItems', {
      TransactItems: [
        {
          Update: {
            TableName,
            Key: encode({ pk, sk: 'MFA' }),
            UpdateExpression: 'SET #failures = :zero, #step = :step REMOVE lockedUntil',
            ConditionExpression:
              '(attribute_not_exists(#failures) OR #failures = :read) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now) AND (attribute_not_exists(#step) OR #step < :step)',
            ExpressionAttributeNames: { '#failures': 'failures', '#step': 'lastTotpStep' },
            ExpressionAttributeValues: encode({ ':zero': 0, ':read': 0, ':now': Math.floor(Date.now() / 1000), ':step': step }),
          },
        },
        { Put: { TableName, Item: encode(shaped(pk, `SESSION#${name}-${step}`, 14, 286)), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName, Item: encode(shaped(`FLOOR#${name}#AUDIT#${step % 32}`, `AUDIT#${Date.now()}#${step}`, 14, 336)) } },
      ],
    });
  return {
    /** Writes every user's partition that the Query reads (the account, its second-factor state, an authenticator app), 16 at a time. */
    seed: async () => {
      const items = [
        ['PROFILE', 13, 420],
        ['MFA', 4, 41],
        ['FACTOR#totp', 7, 220],
      ] as const;
      await pool(FLOOR_USERS * items.length, 16, (i) => {
        const [sk, count, bytes] = items[i % items.length]!;
        return send('PutItem', { TableName, Item: encode(shaped(user(Math.floor(i / items.length)), sk, count, bytes)) });
      });
    },
    /** One verify's two calls, for the next user. */
    verify: async () => {
      const step = ++verifies;
      const pk = user(step);
      await query(pk);
      await transact(pk, step);
    },
  };
}

/** The calls through the service's own DynamoDB client (shared/store/client.ts), exactly as the functions make them. */
export async function clientSend(): Promise<Send> {
  const { db } = await import('../../../shared/store/client');
  const { PutCommand, QueryCommand, TransactWriteCommand } = await import('../../../shared/store/commands');
  const commands = { PutItem: PutCommand, Query: QueryCommand, TransactWriteItems: TransactWriteCommand };
  // `never`: one call for the three commands, whose input and output types differ.
  return (operation, input) => db().send(new commands[operation](input as never) as never);
}

/**
 * The same calls through the SDK's document client (lib-dynamodb) with its defaults: what the
 * service used before its own client, measured beside it.
 */
async function sdkSend(): Promise<Send> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: process.env.DYNAMODB_ENDPOINT!, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const commands = { PutItem: PutCommand, Query: QueryCommand, TransactWriteItems: TransactWriteCommand };
  return (operation, input) => client.send(new commands[operation](input as never) as never);
}

export type FloorClient = 'http' | 'client' | 'sdk';

async function serve() {
  const TableName = process.env.TABLE_NAME!;
  const client = (process.env.FLOOR_CLIENT ?? 'http') as FloorClient;
  const name = `${client}-${process.pid}`; // each floor server its own users
  const calls =
    client === 'http'
      ? floorCalls(TableName, dynamo(new URL(process.env.DYNAMODB_ENDPOINT!), process.env.AWS_REGION ?? 'us-east-1', 'local'), attributes, name)
      : floorCalls(TableName, client === 'client' ? await clientSend() : await sdkSend(), (item) => item, name);
  await calls.seed();
  const answer = JSON.stringify({ accessToken: 'x'.repeat(620), refreshToken: 'x'.repeat(64), tokenType: 'Bearer', expiresIn: 900 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        await calls.verify();
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(answer);
      } catch (error) {
        res.writeHead(500).end((error as Error).message);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.send!({ type: 'ready', url: `http://127.0.0.1:${port}` });
  });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
}

export interface FloorServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The floor server on the servers' Node, against the load phase's table, its calls made by `client`. */
export async function startFloor(env: NodeJS.ProcessEnv, client: FloorClient): Promise<FloorServer> {
  const child = tsChild(__filename, { ...env, FLOOR_CLIENT: client });
  const url = await readyUrl(child, `floor server (${client})`);
  pin(child.pid!, placement().servers);
  return { url, child, stop: () => stopChild(child, () => child.send({ type: 'stop' })) };
}

/** `count` requests at `concurrency` against the floor server, its CPU over the window. */
export const floorWindow = (server: FloorServer, count: number, concurrency: number, capSeconds: number): Promise<LoadResult> =>
  load({
    base: server.url,
    serverPid: server.child.pid!,
    count,
    concurrency,
    capSeconds,
    // The size of ours: a pending token in the header, the code in the body.
    next: () => ({ method: 'POST', path: '/verify', headers: { authorization: `Bearer ${'x'.repeat(560)}` }, body: { code: '123456' } }),
    check: (res) => res.status === 200,
  });

if (require.main === module) {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}


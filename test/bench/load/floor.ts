/**
 * The floor of the second-factor step's server CPU for any design on DynamoDB, in a process of its
 * own: per request it reads the JSON body, makes the step's two DynamoDB calls (a consistent Query of
 * a user's partition, and a transaction of three conditional writes of the sizes ours writes: the
 * time step, the session, the audit event), each signed (SigV4) and sent with node:http over
 * keep-alive, and answers with a body the size of our tokens. No SDK, no token verified, no code
 * checked, no logging: only the I/O the step cannot do without. Our server's CPU over this floor is
 * what the SDK and our own code add; the floor over the peer's (SQLite in its process) is what the
 * two round trips cost before any of that.
 *
 * Run as a child by the load benchmark (index.ts); IPC: `ready` with its URL, `stop`.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { load, type LoadResult } from './client';
import { readyUrl, stopChild, tsChild } from './children';

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

const S = (s: string) => ({ S: s });
const N = (n: number) => ({ N: String(n) });

async function serve() {
  const TableName = process.env.TABLE_NAME!;
  const call = dynamo(new URL(process.env.DYNAMODB_ENDPOINT!), process.env.AWS_REGION ?? 'us-east-1', 'local');
  // A user's partition as ours reads it: the account, its second-factor state, an authenticator app.
  const user = 'FLOOR#USER';
  for (const [sk, bytes] of [['PROFILE', 420], ['MFA', 41], ['FACTOR#totp', 220]] as const) {
    await call('PutItem', { TableName, Item: { pk: S(user), sk: S(sk), data: S('x'.repeat(bytes)) } });
  }
  let n = 0;
  const answer = JSON.stringify({ accessToken: 'x'.repeat(620), refreshToken: 'x'.repeat(64), tokenType: 'Bearer', expiresIn: 900 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        await call('Query', { TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(user) }, ConsistentRead: true });
        const pk = S(`FLOOR#${process.pid}#${n++}`);
        const put = (sk: string, bytes: number) => ({
          Put: { TableName, Item: { pk, sk: S(sk), at: N(Date.now()), data: S('x'.repeat(bytes)) }, ConditionExpression: 'attribute_not_exists(pk)' },
        });
        await call('TransactWriteItems', { TransactItems: [put('MFA', 10), put('SESSION', 240), put('AUDIT', 290)] });
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

/** The floor server on the servers' Node, against the load phase's table. */
export async function startFloor(env: NodeJS.ProcessEnv): Promise<FloorServer> {
  const child = tsChild(__filename, env);
  const url = await readyUrl(child, 'floor server');
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


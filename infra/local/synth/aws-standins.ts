/**
 * Where AWS is, for the local synthesized mode. The bundles reach these through the SDK's
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, over the services' own wire protocols:
 *
 * - DynamoDB: a recording proxy in front of DynamoDB Local (JSON 1.0, `X-Amz-Target`).
 * - KMS: a stand-in for GenerateDataKey, Encrypt and Decrypt (JSON 1.1, `TrentService.*`) that binds
 *   each ciphertext to its key and encryption context (AES-256-GCM, the context as AAD), as KMS
 *   does: a Decrypt with another context fails.
 * - SNS: a stand-in for Publish (query protocol) that writes direct-to-phone SMS to the same outbox
 *   `npm start` uses.
 *
 * Every call is recorded as IAM evaluates it (action, resource ARN, `dynamodb:LeadingKeys`, KMS
 * encryption context), attributed to the access key id that signed it: each function process signs
 * with its own (see functions.ts). Signatures are not verified: the credentials are dummies.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { dirname } from 'node:path';
import { wholeJsonLines } from '../json-lines';
import { tableDefinition } from '../../table';
import { LOCAL_ACCOUNT, LOCAL_PARTITION, LOCAL_REGION, type LocalKmsKey } from './assembly';

/** One AWS API call as IAM authorises it. */
export interface AwsCall {
  /** The access key id that signed the request: a function id, or another local caller. */
  principal: string;
  /** `dynamodb:GetItem`, `kms:Decrypt`, `sns:Publish`; a transaction is one call per item. */
  action: string;
  /** The resource ARN IAM matches (table, index, key); `*` for SMS to a phone number. */
  resource: string;
  /** `dynamodb:LeadingKeys`: the partition key values the call touches. */
  leadingKeys?: string[];
  /** `kms:EncryptionContext:*`. */
  encryptionContext?: Record<string, string>;
  /** The service's answer (HTTP status). */
  status?: number;
}

export class CallRecorder {
  readonly calls: AwsCall[] = [];
  constructor(private readonly file?: string) {
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, '');
    }
  }

  record(call: AwsCall): void {
    this.calls.push(call);
    // Written as it happens, so a test in another process sees every call made so far.
    if (this.file) appendFileSync(this.file, JSON.stringify(call) + '\n');
  }
}

export function readCalls(file: string): AwsCall[] {
  return wholeJsonLines<AwsCall>(readFileSync(file, 'utf8'));
}

/** The access key id in a SigV4 Authorization header (`Credential=<id>/<date>/...`). */
export function signer(req: IncomingMessage): string {
  return /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'anonymous';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export interface StandIn {
  endpoint: string;
  close(): Promise<void>;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

// ---------------------------------------------------------------------------------------------
// DynamoDB: a recording proxy.

type AttributeValue = { S?: string; N?: string; B?: string };
type Key = Record<string, AttributeValue>;
interface ItemRequest {
  TableName?: string;
  IndexName?: string;
  Key?: Key;
  Item?: Key;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

const partitionKeyOf = (indexName?: string) =>
  indexName === undefined ? tableDefinition.partitionKey : indexName === tableDefinition.gsi1.name ? tableDefinition.gsi1.partitionKey : undefined;

const scalar = (value?: AttributeValue) => value?.S ?? value?.N ?? value?.B;

/** The partition key value a Query's key condition fixes (`pk = :v`, `#pk = :v`). */
function queriedPartition(request: ItemRequest): string | undefined {
  const attribute = partitionKeyOf(request.IndexName);
  for (const part of (request.KeyConditionExpression ?? '').split(/\s+AND\s+/i)) {
    const match = /^\(?\s*([#\w]+)\s*=\s*(:\w+)\s*\)?$/.exec(part.trim());
    if (!match) continue;
    const name = match[1]!.startsWith('#') ? request.ExpressionAttributeNames?.[match[1]!] : match[1];
    if (name === attribute) return scalar(request.ExpressionAttributeValues?.[match[2]!]);
  }
  return undefined;
}

function tableArn(tableName: string, indexName?: string): string {
  const arn = `arn:${LOCAL_PARTITION}:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tableName}`;
  return indexName ? `${arn}/index/${indexName}` : arn;
}

const TRANSACT_ACTIONS: Record<string, string> = {
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  Get: 'dynamodb:GetItem',
};

/** The calls IAM authorises for one DynamoDB request; transactions and batches per item. */
export function dynamoDbCalls(operation: string, body: Record<string, unknown>): Array<Omit<AwsCall, 'principal'>> {
  const single = (action: string, request: ItemRequest, partition?: string) => ({
    action,
    resource: tableArn(request.TableName ?? '', request.IndexName),
    ...(partition !== undefined && { leadingKeys: [partition] }),
  });
  const key = (request: ItemRequest) => scalar((request.Key ?? request.Item)?.[tableDefinition.partitionKey]);
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [single(`dynamodb:${operation}`, body as ItemRequest, key(body as ItemRequest))];
    case 'Query':
      return [single('dynamodb:Query', body as ItemRequest, queriedPartition(body as ItemRequest))];
    case 'TransactWriteItems':
    case 'TransactGetItems':
      // IAM authorises each item of a transaction as its own action (TransactWriteItems itself needs no permission).
      return ((body.TransactItems as Array<Record<string, ItemRequest>>) ?? []).map((item) => {
        const [kind, request] = Object.entries(item)[0]!;
        return single(TRANSACT_ACTIONS[kind] ?? `dynamodb:${kind}`, request, key(request));
      });
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.entries((body.RequestItems as Record<string, unknown>) ?? {}).map(([table, requests]) => {
        const keys =
          operation === 'BatchGetItem'
            ? ((requests as { Keys?: Key[] }).Keys ?? []).map((k) => scalar(k[tableDefinition.partitionKey]))
            : ((requests as Array<{ PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }>) ?? []).map((r) =>
                scalar((r.PutRequest?.Item ?? r.DeleteRequest?.Key)?.[tableDefinition.partitionKey]),
              );
        return { action: `dynamodb:${operation}`, resource: tableArn(table), leadingKeys: [...new Set(keys.filter((k): k is string => !!k))] };
      });
    default:
      return [{ action: `dynamodb:${operation}`, resource: tableArn(String(body.TableName ?? '*')) }];
  }
}

export async function startDynamoDbRecorder(target: string, recorder: CallRecorder): Promise<StandIn> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown';
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // DynamoDB Local answers the malformed body itself.
      }
      const calls = dynamoDbCalls(operation, parsed);
      const principal = signer(req);
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          for (const call of calls) recorder.record({ principal, ...call, status: answer.statusCode });
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502).end(String(error));
      });
      forward.end(body);
    })().catch((error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  return { endpoint: await listen(server), close: closer(server) };
}

// ---------------------------------------------------------------------------------------------
// KMS: JSON 1.1 (TrentService).

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const MAGIC = Buffer.from('LKMS');

/** Canonical encryption context: KMS binds the exact key/value pairs, whatever their order. */
const contextAad = (context: Record<string, string> = {}) => Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))));

export interface KmsStandInOptions {
  keys: LocalKmsKey[];
  /** Holds the stand-in's root secret, created on first use: keep it with the table's data. */
  secretFile: string;
  recorder: CallRecorder;
}

function rootSecret(file: string): Buffer {
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export async function startKmsStandIn(options: KmsStandInOptions): Promise<StandIn> {
  const secret = rootSecret(options.secretFile);
  const keyFor = (arn: string) => createHmac('sha256', secret).update(arn).digest();
  const find = (keyId: unknown): LocalKmsKey => {
    const id = String(keyId ?? '');
    const key = options.keys.find((k) => k.arn === id || k.keyId === id);
    if (!key) throw new KmsError('NotFoundException', `Key '${id}' does not exist`);
    return key;
  };
  const encrypt = (key: LocalKmsKey, plaintext: Buffer, context?: Record<string, string>) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyFor(key.arn), iv);
    cipher.setAAD(contextAad(context));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const arn = Buffer.from(key.arn);
    return Buffer.concat([MAGIC, Buffer.from([arn.length]), arn, iv, cipher.getAuthTag(), sealed]);
  };
  const decrypt = (blob: Buffer, context?: Record<string, string>): { key: LocalKmsKey; plaintext: Buffer } => {
    const invalid = new KmsError('InvalidCiphertextException', '');
    if (blob.length < 5 || !blob.subarray(0, 4).equals(MAGIC)) throw invalid;
    const arnLength = blob[4]!;
    const key = find(blob.subarray(5, 5 + arnLength).toString());
    const rest = blob.subarray(5 + arnLength);
    if (rest.length < 28) throw invalid;
    const decipher = createDecipheriv('aes-256-gcm', keyFor(key.arn), rest.subarray(0, 12));
    decipher.setAAD(contextAad(context));
    decipher.setAuthTag(rest.subarray(12, 28));
    try {
      return { key, plaintext: Buffer.concat([decipher.update(rest.subarray(28)), decipher.final()]) };
    } catch {
      // A wrong encryption context (or a tampered blob) fails authentication, as in KMS.
      throw invalid;
    }
  };

  const operations: Record<string, (input: Record<string, unknown>, principal: string) => { result: Record<string, unknown>; call: Omit<AwsCall, 'principal'> }> = {
    GenerateDataKey(input) {
      const key = find(input.KeyId);
      const bytes = input.KeySpec === 'AES_128' ? 16 : input.KeySpec === 'AES_256' || input.KeySpec === undefined ? 32 : Number(input.NumberOfBytes);
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) throw new KmsError('ValidationException', 'KeySpec or NumberOfBytes is required');
      const context = input.EncryptionContext as Record<string, string> | undefined;
      const plaintext = randomBytes(bytes);
      return {
        result: { KeyId: key.arn, Plaintext: plaintext.toString('base64'), CiphertextBlob: encrypt(key, plaintext, context).toString('base64') },
        call: { action: 'kms:GenerateDataKey', resource: key.arn, encryptionContext: context ?? {} },
      };
    },
    Encrypt(input) {
      const key = find(input.KeyId);
      const context = input.EncryptionContext as Record<string, string> | undefined;
      const blob = encrypt(key, Buffer.from(String(input.Plaintext ?? ''), 'base64'), context);
      return {
        result: { KeyId: key.arn, CiphertextBlob: blob.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        call: { action: 'kms:Encrypt', resource: key.arn, encryptionContext: context ?? {} },
      };
    },
    Decrypt(input) {
      const context = input.EncryptionContext as Record<string, string> | undefined;
      const { key, plaintext } = decrypt(Buffer.from(String(input.CiphertextBlob ?? ''), 'base64'), context);
      if (input.KeyId !== undefined && find(input.KeyId).arn !== key.arn) {
        throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext');
      }
      return {
        result: { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        call: { action: 'kms:Decrypt', resource: key.arn, encryptionContext: context ?? {} },
      };
    },
  };

  const server = createServer((req, res) => {
    void (async () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(body));
      };
      const principal = signer(req);
      const operation = /^TrentService\.(\w+)$/.exec(String(req.headers['x-amz-target'] ?? ''))?.[1] ?? '';
      const handler = operations[operation];
      try {
        const input = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
        if (!handler) throw new KmsError('UnsupportedOperationException', `The local KMS does not implement ${operation || 'this call'}`);
        const { result, call } = handler(input, principal);
        options.recorder.record({ principal, ...call, status: 200 });
        reply(200, result);
      } catch (error) {
        const type = error instanceof KmsError ? error.type : 'InternalException';
        options.recorder.record({ principal, action: `kms:${operation || 'Unknown'}`, resource: '*', status: type === 'InternalException' ? 500 : 400 });
        reply(type === 'InternalException' ? 500 : 400, { __type: type, message: (error as Error).message });
      }
    })();
  });
  return { endpoint: await listen(server), close: closer(server) };
}

// ---------------------------------------------------------------------------------------------
// SNS: query protocol, Publish to a phone number.

export interface SnsStandInOptions {
  recorder: CallRecorder;
  /** Delivers an SMS (the outbox `npm start` uses). */
  deliver(to: string, message: string): Promise<void>;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startSnsStandIn(options: SnsStandInOptions): Promise<StandIn> {
  const server = createServer((req, res) => {
    void (async () => {
      const requestId = randomUUID();
      const reply = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(body);
      };
      const fail = (status: number, code: string, message: string) =>
        reply(
          status,
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      const principal = signer(req);
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      const action = form.get('Action') ?? '';
      if (action !== 'Publish') {
        options.recorder.record({ principal, action: `sns:${action || 'Unknown'}`, resource: '*', status: 400 });
        return fail(400, 'InvalidAction', `The local SNS does not implement ${action || 'this action'}`);
      }
      const target = form.get('TopicArn') ?? form.get('TargetArn');
      const phone = form.get('PhoneNumber');
      const message = form.get('Message');
      // Direct SMS has no resource ARN: IAM evaluates Publish to a phone number against "*".
      const call = { principal, action: 'sns:Publish', resource: target ?? '*' };
      if (target || !phone || !/^\+[1-9]\d{6,14}$/.test(phone) || !message) {
        options.recorder.record({ ...call, status: 400 });
        return fail(400, 'InvalidParameter', target ? 'The local SNS only delivers SMS to phone numbers' : 'Invalid parameter: PhoneNumber or Message');
      }
      await options.deliver(phone, message);
      options.recorder.record({ ...call, status: 200 });
      reply(
        200,
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    })().catch((error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  return { endpoint: await listen(server), close: closer(server) };
}

// ---------------------------------------------------------------------------------------------
// SES v2: REST JSON, SendEmail with simple content.

export interface SesMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SesStandInOptions {
  recorder: CallRecorder;
  /** Delivers an email (the outbox `npm start` uses). */
  deliver(message: SesMessage): Promise<void>;
}

interface SendEmailRequest {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } } };
}

/**
 * SendEmail (`POST /v2/email/outbound-emails`). IAM authorises it against the sending identity: the
 * From address's domain here (the stack's default identity), recorded as that identity's ARN.
 */
export async function startSesStandIn(options: SesStandInOptions): Promise<StandIn> {
  const server = createServer((req, res) => {
    void (async () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(body));
      };
      const principal = signer(req);
      if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v2/email/outbound-emails') {
        options.recorder.record({ principal, action: 'ses:Unknown', resource: '*', status: 404 });
        return reply(404, { message: `The local SES does not implement ${req.method} ${req.url}` });
      }
      const request = JSON.parse((await readBody(req)).toString('utf8') || '{}') as SendEmailRequest;
      const from = request.FromEmailAddress ?? '';
      const identity = from.split('@').pop() ?? '';
      const call = { principal, action: 'ses:SendEmail', resource: `arn:${LOCAL_PARTITION}:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${identity}` };
      const to = request.Destination?.ToAddresses ?? [];
      const simple = request.Content?.Simple;
      if (!from.includes('@') || to.length !== 1 || !simple?.Subject?.Data || simple.Body?.Text?.Data === undefined) {
        options.recorder.record({ ...call, status: 400 });
        return reply(400, { message: 'The local SES takes one recipient, a From address and simple content with a text body' });
      }
      await options.deliver({ to: to[0]!, subject: simple.Subject.Data, text: simple.Body.Text.Data, html: simple.Body.Html?.Data ?? '' });
      options.recorder.record({ ...call, status: 200 });
      reply(200, { MessageId: randomUUID() });
    })().catch((error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  return { endpoint: await listen(server), close: closer(server) };
}

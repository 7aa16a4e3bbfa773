/**
 * The single-table DynamoDB client: one per process, built from config. A command (./commands.ts)
 * is marshalled (./document.ts), signed with SigV4 (aws4) and posted to DynamoDB's JSON API over a
 * keep-alive connection, under the policy every AWS call obeys (./aws-policy.ts): a connection and
 * a request timeout, the request's budget, retries with full-jitter backoff. A failure that survived
 * the retries and that waiting may cure becomes `Unavailable`; any other (a failed condition, a
 * cancelled transaction) reaches its caller as DynamoDB named it.
 *
 * Why not the SDK's document client: it is most of every function's import time and, per warm 2FA
 * login, 1.5 to 2.7 ms of CPU over the same two calls made with signing and JSON alone (README,
 * Performance). The protocol is small: one POST per operation, the operation in `X-Amz-Target`.
 *
 * Credentials come from the environment, where Lambda puts them (the operator's scripts put the
 * default chain's there first: infra/local/aws-credentials.ts); DynamoDB Local takes any.
 */
import aws4 from 'aws4';
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { config } from '../config';
import { isRetryable, isThrottling } from './aws-failures';
import { awsCallTracingOn, backoffMs, callTracing, MIN_ATTEMPT_MS, OutOfBudget, policyOf, unavailable, type ClientPolicy } from './aws-policy';
import type { Command, Operation } from './commands';
import { remainingMs } from './deadline';
import { binaryAsBase64, marshalInput, parseResponse, unmarshalOutput } from './document';

type Doc = Record<string, any>;

/** What the SDK puts in every output and error as `$metadata`. */
export interface CallMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
}

/** A command as interceptors see it: the operation, and its input in document values. */
export interface Call {
  operation: Operation;
  input: Doc;
}
export type CallHandler = (call: Call) => Promise<Doc>;
/** Wraps every call, retries included (tests, the bench's counters, tracing). */
export type CallInterceptor = (call: Call, next: CallHandler) => Promise<Doc>;

/** One attempt on the wire: the operation's signed POST. */
export interface WireRequest {
  operation: Operation;
  endpoint: URL;
  body: string;
  /** This attempt's request timeout (the policy's, or what is left of the budget). */
  timeoutMs: number;
}
export interface WireResponse {
  status: number;
  body: string;
  requestId?: string;
}
export type AttemptHandler = (request: WireRequest) => Promise<WireResponse>;
/** Wraps every attempt (fault injection: an answer as AWS gives it, or a connection that stalls). */
export type AttemptInterceptor = (request: WireRequest, next: AttemptHandler) => Promise<WireResponse>;

/** DynamoDB's answer to a refused request, by the name DynamoDB gives it, with its fields (`CancellationReasons`, `Item`). */
export class DynamoDbError extends Error {
  readonly $fault: 'client' | 'server';
  [field: string]: unknown;

  constructor(name: string, message: string, readonly $metadata: CallMetadata, fields: Doc = {}) {
    super(message);
    Object.assign(this, fields);
    this.name = name;
    this.$fault = ($metadata.httpStatusCode ?? 0) >= 500 ? 'server' : 'client';
  }
}

/** No answer within the attempt's timeout, or no connection within the connection timeout. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The error DynamoDB's JSON body names (`__type`: `com.amazonaws.dynamodb.v20120810#Name`). */
function refusal(response: WireResponse, $metadata: CallMetadata): DynamoDbError {
  let body: Doc = {};
  try {
    body = parseResponse(response.body);
  } catch {
    // Not JSON (a proxy's page): named by its status alone.
  }
  const { __type, message, Message, ...fields } = body as { __type?: string; message?: string; Message?: string };
  const name = __type?.split('#').pop() || `Http${response.status}`;
  return new DynamoDbError(name, message ?? Message ?? `DynamoDB answered ${response.status}`, $metadata, fields);
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface DynamoDbOptions {
  endpoint: URL;
  region: string;
  credentials: Credentials;
  policy: ClientPolicy;
}

export class DynamoDb {
  private readonly agent: HttpAgent;
  private readonly post: (request: WireRequest) => Promise<WireResponse>;
  private interceptors: CallInterceptor[] = [];
  private attemptInterceptors: AttemptInterceptor[] = [];
  private handler: CallHandler;

  constructor(private readonly options: DynamoDbOptions) {
    const https = options.endpoint.protocol === 'https:';
    this.agent = new (https ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: 50 });
    const send = https ? httpsRequest : httpRequest;
    this.post = (request) => postSigned(send, this.agent, request, options);
    this.handler = this.chain();
  }

  send<I extends object, O extends object>(command: Command<I, O>): Promise<O> {
    return this.handler({ operation: command.operation, input: command.input as Doc }).then(
      (output) => output as O,
      (error: unknown) => {
        if (error instanceof Error && (error instanceof OutOfBudget || isRetryable(error))) throw unavailable('dynamodb', error, isThrottling(error));
        throw error;
      },
    );
  }

  /** Adds an interceptor inside those added before; returns its removal. */
  intercept(interceptor: CallInterceptor): () => void {
    this.interceptors.push(interceptor);
    this.handler = this.chain();
    return () => {
      this.interceptors = this.interceptors.filter((i) => i !== interceptor);
      this.handler = this.chain();
    };
  }

  /** Adds an interceptor of each attempt, inside those added before; returns its removal. */
  interceptAttempts(interceptor: AttemptInterceptor): () => void {
    this.attemptInterceptors.push(interceptor);
    return () => {
      this.attemptInterceptors = this.attemptInterceptors.filter((i) => i !== interceptor);
    };
  }

  destroy(): void {
    this.agent.destroy();
  }

  private chain(): CallHandler {
    return this.interceptors.reduceRight<CallHandler>((next, interceptor) => (call) => interceptor(call, next), (call) => this.execute(call));
  }

  private async execute({ operation, input }: Call): Promise<Doc> {
    // The SDK's idempotency token: a retried transaction that had succeeded is not applied twice.
    const withToken = operation === 'TransactWriteItems' && input.ClientRequestToken === undefined ? { ...input, ClientRequestToken: randomUUID() } : input;
    const body = JSON.stringify(marshalInput(operation, withToken), binaryAsBase64);
    const { policy, endpoint } = this.options;
    for (let attempt = 1; ; attempt++) {
      const left = remainingMs();
      if (left !== undefined && left < MIN_ATTEMPT_MS) throw new OutOfBudget('the request budget is spent');
      let failure: unknown;
      try {
        const request = { operation, endpoint, body, timeoutMs: Math.min(policy.requestTimeoutMs, left ?? Infinity) };
        const response = await this.attemptInterceptors.reduceRight<AttemptHandler>((next, interceptor) => (r) => interceptor(r, next), this.post)(request);
        const $metadata = { httpStatusCode: response.status, requestId: response.requestId, attempts: attempt };
        if (response.status === 200) return { ...unmarshalOutput(operation, parseResponse(response.body)), $metadata };
        failure = refusal(response, $metadata);
      } catch (error) {
        failure = error;
      }
      if (attempt >= policy.maxAttempts || !isRetryable(failure)) {
        if (failure instanceof Error && !(failure instanceof DynamoDbError)) Object.assign(failure, { $metadata: { attempts: attempt } });
        throw failure;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(policy, attempt)));
    }
  }
}

type Send = typeof httpRequest;

/** One signed POST: the body read whole; a timeout destroys the request (and its socket). */
function postSigned(send: Send, agent: HttpAgent, request: WireRequest, options: DynamoDbOptions): Promise<WireResponse> {
  const { endpoint, body, operation, timeoutMs } = request;
  const signed = aws4.sign(
    {
      host: endpoint.host,
      path: '/',
      method: 'POST',
      service: 'dynamodb',
      region: options.region,
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `DynamoDB_20120810.${operation}` },
      body,
    },
    options.credentials,
  );
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined;
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => req?.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req = send({ agent, protocol: endpoint.protocol, hostname: endpoint.hostname, port: endpoint.port || undefined, method: 'POST', path: '/', headers: signed.headers }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        const requestId = res.headers['x-amzn-requestid'];
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), requestId: typeof requestId === 'string' ? requestId : undefined });
      });
    });
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connecting = setTimeout(() => req?.destroy(new TimeoutError(`no connection within ${options.policy.connectionTimeoutMs} ms`)), options.policy.connectionTimeoutMs);
      socket.once('connect', () => clearTimeout(connecting));
      socket.once('close', () => clearTimeout(connecting));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** DynamoDB's endpoint: DynamoDB Local's, an AWS_ENDPOINT_URL override (SAM), or the region's. */
export function endpointOf(region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const override = config().DYNAMODB_ENDPOINT ?? env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  if (override) return new URL(override);
  const fips = env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : '';
  return new URL(`https://dynamodb${fips}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);
}

/** The environment's credentials (Lambda's); DynamoDB Local accepts any. */
export function credentialsOf(env: NodeJS.ProcessEnv = process.env): Credentials {
  if (config().DYNAMODB_ENDPOINT) return { accessKeyId: 'local', secretAccessKey: 'local' };
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) };
}

/** A hook tests and the local server use to decorate the client (fault injection, counting); never set in AWS. */
export type DynamoDbDecorator = (client: DynamoDb) => void;
let decorator: DynamoDbDecorator | undefined;

export function setDynamoDbDecorator(next: DynamoDbDecorator | undefined): void {
  decorator = next;
}

let client: DynamoDb | undefined;

export function db(): DynamoDb {
  if (!client) {
    const region = config().AWS_REGION;
    client = new DynamoDb({ endpoint: endpointOf(region), region, credentials: credentialsOf(), policy: policyOf('dynamodb') });
    if (awsCallTracingOn()) client.intercept(async (call, next) => (await callTracing()).tracingInterceptor('dynamodb')(call, next));
    decorator?.(client);
  }
  return client;
}

export function tableName(): string {
  return config().TABLE_NAME;
}

/** For tests and the local runner after they change the configuration. */
export function resetDb(): void {
  client?.destroy();
  client = undefined;
}

/**
 * The service's one AWS client, for every call it makes (DynamoDB: ./client.ts; KMS, SES v2 and
 * SNS: shared/adapters/*-client.ts): an operation's input is encoded, signed with SigV4 (aws4, ./sigv4.ts) and
 * posted over a keep-alive connection (named in `X-Amz-Target` for the JSON protocols, by its path
 * for SES's REST JSON, in the form for SNS's query protocol), under the policy every AWS call obeys
 * (./aws-policy.ts): a connection and a request timeout, the request's budget, retries with
 * full-jitter backoff. A failure that survived the retries and that waiting may cure becomes
 * `Unavailable`; any other (a failed condition, a disabled key) reaches its caller as the service
 * named it.
 *
 * Why not the SDK: its clients were most of every function's import time and, per warm 2FA login,
 * 1.5 to 2.7 ms of CPU over the same two DynamoDB calls made with signing and JSON alone (README,
 * Performance). These protocols are small: one POST per operation.
 *
 * Credentials come from the environment, where Lambda puts them (the operator's scripts put the
 * default chain's there first: infra/local/aws-credentials.ts).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isRetryable, isThrottling } from './aws-failures';
import { config } from '../config';
import { backoffMs, MIN_ATTEMPT_MS, OutOfBudget, policyOf, unavailable, type AwsService, type ClientPolicy } from './aws-policy';
import { remainingMs } from './deadline';
import { sign } from './sigv4';

type Doc = Record<string, any>;

/** What the SDK puts in every output and error as `$metadata`. */
export interface CallMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
}

/** A call as interceptors see it: the operation, and its input as the caller gave it (before encoding). */
export interface Call {
  operation: string;
  input: Doc;
}
export type CallHandler = (call: Call) => Promise<Doc>;
/** Wraps every call, retries included (tests, the bench's counters, tracing). */
export type CallInterceptor = (call: Call, next: CallHandler) => Promise<Doc>;

/** One attempt on the wire: the operation's signed POST. */
export interface WireRequest {
  operation: string;
  endpoint: URL;
  body: string;
  /** This attempt's request timeout (the policy's, or what is left of the budget). */
  timeoutMs: number;
}
export interface WireResponse {
  status: number;
  body: string;
  requestId?: string;
  /** REST JSON's error name (`x-amzn-errortype`: `Name:uri`). */
  errorType?: string;
}
export type AttemptHandler = (request: WireRequest) => Promise<WireResponse>;
/** Wraps every attempt (fault injection and KMS's test double: an answer as AWS gives it, or a connection that stalls). */
export type AttemptInterceptor = (request: WireRequest, next: AttemptHandler) => Promise<WireResponse>;

/** A service's answer to a refused request, by the name the service gives it, with its fields (`CancellationReasons`, `Item`). */
export class AwsServiceError extends Error {
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

/** What a refusal's body says: the error's name, its message, and any other fields. */
export interface Refusal {
  name?: string;
  message?: string;
  fields?: Doc;
}

/** A JSON protocol's refusal: the body's `__type` (`Name`, `com.amazonaws.dynamodb.v20120810#Name`) and `message`. */
export function jsonRefusal(body: string): Refusal {
  const { __type, message, Message, ...fields } = JSON.parse(body) as { __type?: string; message?: string; Message?: string };
  return { name: __type?.split('#').pop(), message: message ?? Message, fields };
}

/** The error the answer names: in `x-amzn-errortype` (REST JSON) or its body; a body that does not parse (a proxy's page) leaves the status. */
function refusal(response: WireResponse, $metadata: CallMetadata, parse: (body: string) => Refusal): AwsServiceError {
  let said: Refusal = {};
  try {
    said = parse(response.body);
  } catch {
    // named by its status alone
  }
  const name = response.errorType?.split(':')[0] || said.name || `Http${response.status}`;
  return new AwsServiceError(name, said.message ?? `AWS answered ${response.status}`, $metadata, said.fields);
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The environment's credentials (Lambda's). */
export function credentialsOf(env: NodeJS.ProcessEnv = process.env): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) };
}

/** Each service's AWS_ENDPOINT_URL_<ID> (the SDK's service id) and its endpoint's host name. */
const ENDPOINTS: Readonly<Record<AwsService, { id: string; host: string }>> = {
  dynamodb: { id: 'DYNAMODB', host: 'dynamodb' },
  kms: { id: 'KMS', host: 'kms' },
  ses: { id: 'SESV2', host: 'email' },
  sns: { id: 'SNS', host: 'sns' },
};

/** `service`'s endpoint: an AWS_ENDPOINT_URL_<ID> or AWS_ENDPOINT_URL override (SAM, stand-ins), or the region's. */
export function endpointOf(service: AwsService, region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const { id, host } = ENDPOINTS[service];
  const override = env[`AWS_ENDPOINT_URL_${id}`] ?? env.AWS_ENDPOINT_URL;
  if (override) return new URL(override);
  const fips = env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : '';
  return new URL(`https://${host}${fips}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);
}

/** Where a client goes and as whom, under which policy: what a service's client takes to be built. */
export interface ClientTarget {
  endpoint: URL;
  region: string;
  credentials: Credentials;
  policy: ClientPolicy;
}

/** `service` in the configured region, with the environment's credentials (Lambda's) and its policy. */
export function targetOf(service: AwsService): ClientTarget {
  const region = config().AWS_REGION;
  return { region, endpoint: endpointOf(service, region), credentials: credentialsOf(), policy: policyOf(service) };
}

export interface AwsClientOptions extends ClientTarget {
  service: AwsService;
  /** Where an operation goes: its path, and its `X-Amz-Target` (`DynamoDB_20120810.Query`) where the protocol names it so. */
  route(operation: string): { path: string; target?: string };
  /** `application/x-amz-json-1.0` (DynamoDB), `-1.1` (KMS), `application/json` (SES), a form (SNS). */
  contentType: string;
  /** An operation's input as the request body (default: JSON, bytes in base64). */
  encode?(operation: string, input: Doc): string;
  /** A 200 answer's body as the operation's output (default: JSON). */
  decode?(operation: string, body: string): Doc;
  /** A refusal's body (default: the JSON protocols'). */
  refusal?(body: string): Refusal;
}

const jsonBody = (_operation: string, input: Doc) => JSON.stringify(input, bytesAsBase64);
const jsonOutput = (_operation: string, body: string) => JSON.parse(body) as Doc;

/**
 * Each AWS call as an X-Ray subsegment (./aws-call-tracing.ts): only in Lambda with active tracing,
 * where the stack sets TRACE_AWS_CALLS and Lambda names its X-Ray daemon. Read when a client is built.
 */
export function awsCallTracingOn(): boolean {
  return config().TRACE_AWS_CALLS === 'true' && Boolean(process.env.AWS_XRAY_DAEMON_ADDRESS);
}

let tracing: Promise<typeof import('./aws-call-tracing')> | undefined;

/** The tracing module, imported on the first traced call: off, it is never evaluated (it is in the bundle, lazily). */
export const callTracing = () => (tracing ??= import('./aws-call-tracing'));

export class AwsClient {
  private readonly agent: HttpAgent;
  private readonly post: AttemptHandler;
  private interceptors: CallInterceptor[] = [];
  private attemptInterceptors: AttemptInterceptor[] = [];
  private handler: CallHandler;
  private attempt: AttemptHandler;

  constructor(private readonly options: AwsClientOptions) {
    const https = options.endpoint.protocol === 'https:';
    this.agent = new (https ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: 50 });
    const send = https ? httpsRequest : httpRequest;
    this.post = (request) => postSigned(send, this.agent, request, options);
    this.handler = this.chain();
    this.attempt = this.post;
    if (awsCallTracingOn()) {
      let traced: CallInterceptor | undefined;
      this.intercept(async (call, next) => (traced ??= (await callTracing()).tracingInterceptor(options.service))(call, next));
    }
    decorator?.(this, options.service);
  }

  /** Runs `operation`: its output with `$metadata`, or the service's refusal. */
  protected call(operation: string, input: Doc): Promise<Doc> {
    return this.handler({ operation, input }).catch((error: unknown) => {
      if (error instanceof Error && (error instanceof OutOfBudget || isRetryable(error))) throw unavailable(this.options.service, error, isThrottling(error));
      throw error;
    });
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
    this.attempt = this.chainAttempts();
    return () => {
      this.attemptInterceptors = this.attemptInterceptors.filter((i) => i !== interceptor);
      this.attempt = this.chainAttempts();
    };
  }

  destroy(): void {
    this.agent.destroy();
  }

  private chain(): CallHandler {
    return this.interceptors.reduceRight<CallHandler>((next, interceptor) => (call) => interceptor(call, next), (call) => this.execute(call));
  }

  private chainAttempts(): AttemptHandler {
    return this.attemptInterceptors.reduceRight<AttemptHandler>((next, interceptor) => (request) => interceptor(request, next), this.post);
  }

  private async execute({ operation, input }: Call): Promise<Doc> {
    const { policy, endpoint, encode = jsonBody, decode = jsonOutput } = this.options;
    const body = encode(operation, input);
    for (let attempt = 1; ; attempt++) {
      const left = remainingMs();
      if (left !== undefined && left < MIN_ATTEMPT_MS) throw new OutOfBudget('the request budget is spent');
      let failure: unknown;
      try {
        const request = { operation, endpoint, body, timeoutMs: Math.min(policy.requestTimeoutMs, left ?? Infinity) };
        const response = await this.attempt(request);
        const $metadata = { httpStatusCode: response.status, requestId: response.requestId, attempts: attempt };
        if (response.status === 200) return { ...decode(operation, response.body), $metadata };
        failure = refusal(response, $metadata, this.options.refusal ?? jsonRefusal);
      } catch (error) {
        failure = error;
      }
      if (attempt >= policy.maxAttempts || !isRetryable(failure)) {
        if (failure instanceof Error && !(failure instanceof AwsServiceError)) Object.assign(failure, { $metadata: { attempts: attempt } });
        throw failure;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(policy, attempt)));
    }
  }
}

type Send = typeof httpRequest;

/** One signed POST: the body read whole; a timeout destroys the request (and its socket). */
function postSigned(send: Send, agent: HttpAgent, request: WireRequest, options: AwsClientOptions): Promise<WireResponse> {
  const { endpoint, body, operation, timeoutMs } = request;
  const { path, target } = options.route(operation);
  const signed = sign(
    {
      host: endpoint.host,
      path,
      method: 'POST',
      service: options.service,
      region: options.region,
      headers: { 'Content-Type': options.contentType, ...(target && { 'X-Amz-Target': target }) },
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
    req = send({ agent, protocol: endpoint.protocol, hostname: endpoint.hostname, port: endpoint.port || undefined, method: 'POST', path, headers: signed.headers }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        const { 'x-amzn-requestid': requestId, 'x-amzn-errortype': errorType } = res.headers;
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ...(typeof requestId === 'string' && { requestId }),
          ...(typeof errorType === 'string' && { errorType }),
        });
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

/**
 * The JSON protocols carry bytes in base64; a request's replacer for JSON.stringify, which calls it
 * with the holder as `this`, before a Buffer's own toJSON.
 */
export function bytesAsBase64(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}

/** A hook tests and the local server use to decorate each client as it is built (fault injection, counting); never set in AWS. */
export type ClientDecorator = (client: AwsClient, service: AwsService) => void;
let decorator: ClientDecorator | undefined;

export function setClientDecorator(next: ClientDecorator | undefined): void {
  decorator = next;
}

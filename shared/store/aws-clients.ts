/**
 * How every AWS client of the service is built: connection and request timeouts, a retry policy
 * chosen for its caller, the request's time budget (./deadline.ts), and the one place where an AWS
 * failure that survived the retries (throttling, a 5xx, a timeout, the budget spent) becomes
 * `Unavailable` (503 with Retry-After in every dialect). Everything else (a failed condition, a
 * validation error) reaches its caller unchanged.
 *
 * The SDK's defaults have no request timeout at all: a stalled connection would hold a function
 * until its Lambda timeout. The arithmetic behind these numbers is in the README (Failure behaviour).
 */
import { ConfiguredRetryStrategy, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { config } from '../config';
import { Unavailable } from '../errors';
import { remainingMs } from './deadline';

export type AwsService = 'dynamodb' | 'kms' | 'sns' | 'ses';

export interface ClientPolicy {
  connectionTimeoutMs: number;
  /** Per attempt; shortened to what is left of the request's budget. */
  requestTimeoutMs: number;
  /** Attempts in all (1 = no retry). */
  maxAttempts: number;
  /** Full-jitter backoff: before retry n, a random wait below base × 2^n. */
  backoffBaseMs: number;
}

export const CLIENT_POLICIES: Readonly<Record<AwsService, ClientPolicy>> = Object.freeze({
  // Single-digit-millisecond calls in the same region: a second is a stall, not load. Three short
  // attempts fit a login's budget; the SDK's 1 s throttling backoff would not.
  dynamodb: { connectionTimeoutMs: 500, requestTimeoutMs: 1000, maxAttempts: 3, backoffBaseMs: 25 },
  // Once per cold start (the data key): a failure is answered 503 and retried by the next request.
  kms: { connectionTimeoutMs: 500, requestTimeoutMs: 1000, maxAttempts: 2, backoffBaseMs: 50 },
  // Publish to a phone takes hundreds of ms. A retry after a timeout may deliver the same text
  // twice: the same code, so harmless.
  sns: { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 2, backoffBaseMs: 100 },
  ses: { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 2, backoffBaseMs: 100 },
});

/** With less of the budget left than this, an attempt is not started: the request answers 503. */
export const MIN_ATTEMPT_MS = 50;

/** The request's budget ran out before the call could be (re)tried. Not retryable by the SDK. */
export class OutOfBudget extends Error {
  override readonly name = 'OutOfBudget';
}

/** Node's HTTP handler with each attempt's request timeout capped by what is left of the budget. */
class BudgetedHttpHandler extends NodeHttpHandler {
  constructor(private readonly policy: ClientPolicy) {
    super({ connectionTimeout: policy.connectionTimeoutMs, requestTimeout: policy.requestTimeoutMs, throwOnRequestTimeout: true });
  }

  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const left = remainingMs();
    if (left !== undefined && left < MIN_ATTEMPT_MS) return Promise.reject(new OutOfBudget('the request budget is spent'));
    const requestTimeout = Math.min(options.requestTimeout ?? this.policy.requestTimeoutMs, left ?? Infinity);
    return super.handle(request, { ...options, requestTimeout });
  }
}

/** Constructor options for the client of `service`: pass them to `new XClient({...})`. */
export function clientOptions(service: AwsService) {
  const scale = config().TIMEOUT_SCALE;
  const base = CLIENT_POLICIES[service];
  const policy = { ...base, connectionTimeoutMs: base.connectionTimeoutMs * scale, requestTimeoutMs: base.requestTimeoutMs * scale };
  return {
    requestHandler: new BudgetedHttpHandler(policy),
    maxAttempts: policy.maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(policy.maxAttempts, (attempt: number) => Math.floor(Math.random() * policy.backoffBaseMs * 2 ** attempt)),
  };
}

/** An AWS failure after the retries: Unavailable when waiting may help, otherwise unchanged. */
export function asUnavailable(service: AwsService, error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof Unavailable) return error;
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  const throttled = isThrottlingError(sdkError);
  if (error instanceof OutOfBudget || throttled || isTransientError(sdkError) || isServerError(sdkError)) {
    return new Unavailable(undefined, { retryAfterSeconds: throttled ? 2 : 1, cause: Object.assign(error, { service }) });
  }
  return error;
}

/** What `harden` needs of a client: its middleware stack. */
export interface AwsClient {
  middlewareStack: {
    add(middleware: never, options: { step: 'initialize'; name: string; priority?: 'high' | 'normal' | 'low' }): void;
  };
}

/** A hook tests and the local server use to decorate each client (fault injection); never set in AWS. */
export type ClientDecorator = (client: AwsClient, service: AwsService) => void;
let decorator: ClientDecorator | undefined;

export function setClientDecorator(next: ClientDecorator | undefined): void {
  decorator = next;
}

/**
 * Each AWS call as an X-Ray subsegment (./aws-call-tracing.ts): only in Lambda with active tracing,
 * where the stack sets TRACE_AWS_CALLS and Lambda names its X-Ray daemon. Read when a client is built.
 */
export function awsCallTracingOn(): boolean {
  return config().TRACE_AWS_CALLS === 'true' && Boolean(process.env.AWS_XRAY_DAEMON_ADDRESS);
}

let tracing: Promise<typeof import('./aws-call-tracing')> | undefined;

/**
 * Adds the failure mapping to a client built with `clientOptions`, the call tracing where it is on,
 * then the decorator if one is set.
 */
export function harden<C extends AwsClient>(client: C, service: AwsService): C {
  const mapFailure = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      throw asUnavailable(service, error);
    }
  };
  // `initialize` with high priority: outside the retries, so it sees only what survived them.
  client.middlewareStack.add(mapFailure as never, { step: 'initialize', name: 'unavailableAfterRetries', priority: 'high' });
  if (awsCallTracingOn()) {
    // Inside the failure mapping (normal priority), so a subsegment records the service's own error.
    // Imported on the first call: off, the module is never evaluated (it is in the bundle, lazily).
    type Middleware = ReturnType<typeof import('./aws-call-tracing').tracingMiddleware>;
    const traced = ((next: Parameters<Middleware>[0], context: Parameters<Middleware>[1]) => async (args: Parameters<ReturnType<Middleware>>[0]) => {
      const { tracingMiddleware } = await (tracing ??= import('./aws-call-tracing'));
      return tracingMiddleware(service)(next, context)(args);
    }) as never;
    client.middlewareStack.add(traced, { step: 'initialize', name: 'awsCallTracing', priority: 'normal' });
  }
  decorator?.(client, service);
  return client;
}

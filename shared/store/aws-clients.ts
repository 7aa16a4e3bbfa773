/**
 * How the service's AWS SDK clients (SNS, SES: their protocols are not the JSON ones of
 * ./aws-json-client.ts) are built: the policy of ./aws-policy.ts through the SDK's own request
 * handler and retry strategy, and the one place where an SDK failure that survived the retries
 * (throttling, a 5xx, a timeout, the budget spent) becomes `Unavailable`. Everything else (a
 * validation error, an opted-out number) reaches its caller unchanged.
 */
import { ConfiguredRetryStrategy, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Unavailable } from '../errors';
import { awsCallTracingOn, backoffMs, callTracing, MIN_ATTEMPT_MS, OutOfBudget, policyOf, unavailable, type AwsService, type ClientPolicy } from './aws-policy';
import { remainingMs } from './deadline';

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
export function clientOptions(service: 'sns' | 'ses') {
  const policy = policyOf(service);
  return {
    requestHandler: new BudgetedHttpHandler(policy),
    maxAttempts: policy.maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(policy.maxAttempts, (attempt: number) => backoffMs(policy, attempt)),
  };
}

/** An AWS failure after the retries: Unavailable when waiting may help, otherwise unchanged. */
export function asUnavailable(service: AwsService, error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof Unavailable) return error;
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  const throttled = isThrottlingError(sdkError);
  if (error instanceof OutOfBudget || throttled || isTransientError(sdkError) || isServerError(sdkError)) return unavailable(service, error, throttled);
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
      const { tracingMiddleware } = await callTracing();
      return tracingMiddleware(service)(next, context)(args);
    }) as never;
    client.middlewareStack.add(traced, { step: 'initialize', name: 'awsCallTracing', priority: 'normal' });
  }
  decorator?.(client, service);
  return client;
}

/**
 * What every AWS call of the service obeys, whichever client makes it: connection and request
 * timeouts, a retry policy chosen for its caller, and the request's time budget (./deadline.ts).
 * The clients (./aws-client.ts: DynamoDB, KMS, SES, SNS) apply it.
 *
 * The SDK's defaults have no request timeout at all: a stalled connection would hold a function
 * until its Lambda timeout. The arithmetic behind these numbers is in the README (Failure behaviour).
 */
import { config } from '../config';
import { Unavailable } from '../errors';

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

/** The policy of `service` with its timeouts scaled by TIMEOUT_SCALE (slow test machines). */
export function policyOf(service: AwsService): ClientPolicy {
  const scale = config().TIMEOUT_SCALE;
  const base = CLIENT_POLICIES[service];
  return { ...base, connectionTimeoutMs: base.connectionTimeoutMs * scale, requestTimeoutMs: base.requestTimeoutMs * scale };
}

/** The wait before retry `attempt` (1 = the first retry): full jitter. */
export const backoffMs = (policy: ClientPolicy, attempt: number) => Math.floor(Math.random() * policy.backoffBaseMs * 2 ** attempt);

/** With less of the budget left than this, an attempt is not started: the request answers 503. */
export const MIN_ATTEMPT_MS = 50;

/** The request's budget ran out before the call could be (re)tried. Not retried. */
export class OutOfBudget extends Error {
  override readonly name = 'OutOfBudget';
}

/** A failure that survived the retries and that waiting may cure, as 503 with Retry-After in every dialect. */
export function unavailable(service: AwsService, error: Error, throttled: boolean): Unavailable {
  return new Unavailable(undefined, { retryAfterSeconds: throttled ? 2 : 1, cause: Object.assign(error, { service }) });
}

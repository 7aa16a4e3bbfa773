/**
 * How an AWS failure is told apart, for the AWS client (./aws-client.ts) and the call tracing
 * (./aws-call-tracing.ts): throttled, or worth another attempt. By the SDK's own lists, so both
 * clients retry alike.
 */

/** The error names AWS throttles with (the SDK's list, @smithy/core/retry). */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** Node's codes for a connection that failed or dropped, and a name that failed to resolve (the SDK's lists). */
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface AwsShaped {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** AWS asked the caller to slow down. */
export function isThrottling(error: unknown): boolean {
  const e = error as AwsShaped | undefined;
  return !!e && (THROTTLING.has(e.name ?? '') || e.$metadata?.httpStatusCode === 429);
}

/** A failure another attempt may not meet: throttling, a 5xx, a timeout, a dropped connection. */
export function isRetryable(error: unknown): boolean {
  const e = error as AwsShaped | undefined;
  if (!e) return false;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return isThrottling(e) || status >= 500 || e.name === 'TimeoutError' || NETWORK.has(e.code ?? '');
}

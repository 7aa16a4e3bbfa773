/**
 * Conditional writes are how invariants hold under concurrency. These helpers turn DynamoDB's
 * condition and transaction failures into something domain code can branch on.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export function isConditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException';
}

/** Each item's cancellation reason code of a cancelled transaction, or undefined if it was not that. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException) && (error as Error)?.name !== 'TransactionCanceledException') {
    return undefined;
  }
  return ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** Which items of a cancelled transaction failed their condition (by index), or undefined if it was not that. */
export function failedTransactionConditions(error: unknown): number[] | undefined {
  return cancellationCodes(error)?.flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : []));
}

/** Epoch seconds, the unit of the TTL attribute. */
export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** TTL deletes late: an item past its `expiresAt` is treated as absent. */
export function live<T extends { expiresAt?: number }>(item: T | undefined, now: Date): T | undefined {
  if (!item) return undefined;
  return item.expiresAt !== undefined && item.expiresAt <= epochSeconds(now) ? undefined : item;
}

/**
 * Conditional writes are how invariants hold under concurrency. A refusal reaches the domain in one
 * shape, `LostRace`, whatever DynamoDB called it (the way Powertools' idempotency layer turns a
 * failed condition into a named error): the domain branches on which of its items lost, never on
 * SDK exception names or cancellation codes.
 */
// Types only (the SDK's shapes of these errors, which ./aws-client.ts keeps): errors are told apart by name.
import type { AttributeValue, ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** An item as DynamoDB returned it with a refusal (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). */
export type RawItem = Record<string, AttributeValue>;

/**
 * A write refused because another request changed the data first: an item's condition failed, or
 * contention with other transactions outlasted the retries.
 */
export class LostRace extends Error {
  override readonly name = 'LostRace';

  constructor(
    /** Indices of the written items whose condition failed (0 for a single write); empty: contention. */
    readonly failed: readonly number[],
    /** The refused items as they were, by index, where the write asked for them. */
    readonly refused: readonly (RawItem | undefined)[] = [],
    options?: ErrorOptions,
  ) {
    super(failed.length ? `condition failed on item ${failed.join(', ')}` : 'contention outlasted the retries', options);
  }

  /** Whether item `index`'s own condition failed (not contention, not another item). */
  lost(index: number): boolean {
    return this.failed.includes(index);
  }
}

/** Each item's cancellation reason code of a cancelled transaction, or undefined if it was not that. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as Error)?.name !== 'TransactionCanceledException') {
    return undefined;
  }
  return ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** Which items of a cancelled transaction failed their condition (by index), or undefined if it was not that. */
export function failedTransactionConditions(error: unknown): number[] | undefined {
  return cancellationCodes(error)?.flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : []));
}

/** DynamoDB's refusal as a LostRace; any other error unchanged (a real failure stays one). */
export function asLostRace(error: unknown): unknown {
  if (error instanceof LostRace) return error;
  if ((error as Error)?.name === 'ConditionalCheckFailedException') {
    return new LostRace([0], [(error as ConditionalCheckFailedException).Item], { cause: error });
  }
  // A single write that met a transaction in flight on its item.
  if ((error as Error)?.name === 'TransactionConflictException') return new LostRace([], [], { cause: error });
  const codes = cancellationCodes(error);
  const failed = failedTransactionConditions(error);
  const contention = codes?.every((c) => c === 'None' || c === 'TransactionConflict');
  if (failed === undefined || (!failed.length && !contention)) return error;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return new LostRace(failed, reasons.map((r) => r.Item), { cause: error });
}

/** Runs one conditional write (Put, Update, Delete); a refusal throws LostRace. */
export async function conditionally<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw asLostRace(error);
  }
}

/** Epoch seconds, the unit of the TTL attribute. */
export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** TTL deletes late: an item past its `expiresAt` is treated as absent. */
export function live<T extends { expiresAt?: number }>(item: T | undefined, now: Date): T | undefined {
  if (!item) return undefined;
  return item.expiresAt !== undefined && item.expiresAt <= epochSeconds(now) ? undefined : item;
}

/**
 * Which cancelled transactions are retried. DynamoDB Local serialises transactions and never
 * answers TransactionConflict, so the classification is pinned down here, on the SDK's own error.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { onlyConflicts } from '../../shared/store/transact';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('onlyConflicts', () => {
  it('retries a transaction cancelled only by contention', () => {
    expect(onlyConflicts(cancelled('None', 'TransactionConflict'))).toBe(true);
  });

  it('does not retry a failed condition, even beside a conflict: that is an answer', () => {
    expect(onlyConflicts(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(onlyConflicts(cancelled('ConditionalCheckFailed', 'None'))).toBe(false);
  });

  it('does not retry other errors', () => {
    expect(onlyConflicts(cancelled('None', 'ValidationError'))).toBe(false);
    expect(onlyConflicts(new Error('network'))).toBe(false);
  });
});

/**
 * Which cancelled transactions are retried. DynamoDB Local serialises transactions and never
 * answers TransactionConflict, so the classification is pinned down here, on the client's own error.
 */
import { AwsServiceError } from '../../shared/store/aws-client';
import { asLostRace, LostRace } from '../../shared/store/conditions';
import { onlyConflicts } from '../../shared/store/transact';

const refused = (name: string, fields: Record<string, unknown> = {}) => new AwsServiceError(name, 'refused', { httpStatusCode: 400, attempts: 1 }, fields);
const cancelled = (...codes: string[]) => refused('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });

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

describe('asLostRace: the one shape a refusal reaches the domain in', () => {
  it('names the items whose condition failed, with the refused item', () => {
    const error = refused('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { failures: { N: '3' } } }] });
    const race = asLostRace(error) as LostRace;
    expect(race).toBeInstanceOf(LostRace);
    expect(race.failed).toEqual([1]);
    expect(race.lost(1)).toBe(true);
    expect(race.lost(0)).toBe(false);
    expect(race.refused[1]).toEqual({ failures: { N: '3' } });
  });

  it('turns a single conditional write and contention into LostRace', () => {
    const single = refused('ConditionalCheckFailedException');
    expect((asLostRace(single) as LostRace).failed).toEqual([0]);
    expect((asLostRace(cancelled('None', 'TransactionConflict')) as LostRace).failed).toEqual([]);
  });

  it('leaves every other error as it is: a real failure is not a race', () => {
    const invalid = cancelled('None', 'ValidationError');
    expect(asLostRace(invalid)).toBe(invalid);
    const network = new Error('network');
    expect(asLostRace(network)).toBe(network);
  });
});

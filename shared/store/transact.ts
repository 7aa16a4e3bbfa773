/**
 * TransactWriteItems with the one retry every caller needs: DynamoDB cancels a transaction with
 * `TransactionConflict` when another one touches the same item at that moment (two SMS sends
 * counting against one org budget, say). That is contention, not an answer, so it is retried. A
 * cancellation with a failed condition is an answer: it reaches the caller as `LostRace`, as does
 * contention that outlasts the retries.
 *
 * A request may run under a guard (`runGuarded`): then every transaction it makes carries one more
 * item, the guard's condition that the caller's credential is still good (its session not revoked),
 * so a write proves it without another round trip. When that item fails, the guard's error is thrown.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from './commands';
import { AsyncLocalStorage } from 'node:async_hooks';
import { db } from './client';
import { asLostRace, cancellationCodes, failedTransactionConditions } from './conditions';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface TransactionGuard {
  /** The item appended to each transaction; `consume`: the transaction also spends the credential. */
  item(consume: boolean): TransactItem;
  /** What to throw when that item's condition fails. */
  refused(): Error;
}

export interface GuardState {
  readonly guard: TransactionGuard;
  /** Whether a transaction of this request has proven the credential. */
  proven: boolean;
}

const guards = new AsyncLocalStorage<GuardState>();

/** Runs `fn` with every transaction it makes guarded; the state says afterwards whether one ran. */
export function runGuarded<T>(guard: TransactionGuard, fn: () => Promise<T>): { state: GuardState; result: Promise<T> } {
  const state: GuardState = { guard, proven: false };
  return { state, result: guards.run(state, fn) };
}

export interface TransactOptions {
  /** The transaction spends the caller's credential (finishing a login spends its pending token). */
  consumesCredential?: boolean;
  /** The transaction writes the credential's own item under a liveness condition (logout): no guard item. */
  provesCredential?: boolean;
  /**
   * The item at this index spends the credential by being written (a login's session put under the
   * pending token's jti, keys.spentPendingToken): no guard item; that item's failed condition is the
   * guard's refusal.
   */
  spendsCredential?: number;
}

const ATTEMPTS = 4;

export function onlyConflicts(error: unknown): boolean {
  const codes = cancellationCodes(error);
  return !!codes && codes.includes('TransactionConflict') && codes.every((c) => c === 'None' || c === 'TransactionConflict');
}

export async function transactWrite(items: TransactItem[], options: TransactOptions = {}): Promise<void> {
  const state = guards.getStore();
  const spentBy = options.spendsCredential;
  const guardItem = state && !options.provesCredential && spentBy === undefined ? state.guard.item(!!options.consumesCredential) : undefined;
  const all = guardItem ? [...items, guardItem] : items;
  // The item whose failed condition means the credential is no longer good: the guard's, or the one that spends it.
  const credentialItem = guardItem ? items.length : spentBy;
  for (let attempt = 1; ; attempt++) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: all }));
      if (state) state.proven = true;
      return;
    } catch (error) {
      if (state && credentialItem !== undefined && failedTransactionConditions(error)?.includes(credentialItem)) throw state.guard.refused();
      if (attempt >= ATTEMPTS || !onlyConflicts(error)) throw asLostRace(error);
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/**
 * A test file that judges a whole table (fault injection, the invariant check) gets a table of its
 * own, created from the stack's definition in the shared DynamoDB Local.
 */
import { randomUUID } from 'node:crypto';
import { ensureTable } from '../../infra/local/create-table';
import { resetConfig } from '../../shared/config';
import { resetDb } from '../../shared/store/client';

export function useOwnTable(label: string): string {
  const name = `twofactor-${label}-${randomUUID().slice(0, 8)}`;
  process.env.TABLE_NAME = name;
  resetConfig();
  beforeAll(async () => {
    await ensureTable(process.env.DYNAMODB_ENDPOINT!, name);
    resetDb();
  });
  return name;
}

/**
 * A child process of the load benchmark: the local gateway (the handlers in this process, as
 * `npm start` serves them) on a free port, driven over HTTP by the benchmark's process. Its own
 * process, so its CPU time (/proc/<pid>/stat) is the server's alone.
 *
 * IPC from the driver: `{ type: 'account', on }` turns DynamoDB accounting on or off (calls by
 * command, and the request units they consume, from the sizes of the items they read and write:
 * item-size.ts; it reads items before and after updates, so it is off while timing),
 * and, from DynamoDB Local itself, the units each call consumed (ReturnConsumedCapacity, the indexes'
 * apart), `{ type: 'take' }` answers and resets the counts, `{ type: 'profile', on, file }` starts or stops
 * a CPU profile (the V8 profiler, written to `file`: the timed windows alone), `{ type: 'stop' }` exits.
 */
import { writeFileSync } from 'node:fs';
import { applyLocalDefaults } from '../../../infra/local/environment';
import type { LambdaHandler } from '../../../infra/local/api-event';
import type { GatewayBackend } from '../../../infra/local/gateway';
import { itemSize, readUnits, writeUnits } from './item-size';

export interface Accounting {
  calls: Record<string, number>;
  /** Units from the sizes of the items read and written (item-size.ts): the cross-check. */
  readUnits: number;
  writeUnits: number;
  /** Units DynamoDB Local reports (ReturnConsumedCapacity INDEXES): table and indexes. */
  consumed: { read: number; write: number; indexRead: number; indexWrite: number };
  /** Largest size seen, bytes, per kind of item written. */
  items: Record<string, number>;
  /** Org audit events written: each reaches the security-event bus (infra/security-events.ts). */
  auditEvents: number;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

interface Capacity {
  Table?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  CapacityUnits?: number;
}

/** Table and index units of a ConsumedCapacity answer (one object, or a list for transactions and batches). */
function unitsOf(consumed: Capacity | Capacity[] | undefined): { table: number; index: number } {
  const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  let table = 0;
  let index = 0;
  for (const c of list) {
    const indexes = [...Object.values(c.GlobalSecondaryIndexes ?? {}), ...Object.values(c.LocalSecondaryIndexes ?? {})];
    const onIndexes = indexes.reduce((sum, i) => sum + (i.CapacityUnits ?? 0), 0);
    index += onIndexes;
    table += c.Table?.CapacityUnits ?? (c.CapacityUnits ?? 0) - onIndexes;
  }
  return { table, index };
}

/**
 * The gateway's backend with the time Lambda gives an invocation scaled by TIMEOUT_SCALE, as the
 * budgets are (environment.ts, timeoutScale): the local gateway's fixed 10 s would cap every budget
 * at 9 s, which sixteen logins queued for this process's cores outlast. In AWS each has an instance
 * of its own.
 */
function scaledLambdaTime(
  match: GatewayBackend['match'],
  load: (handler: string) => Promise<LambdaHandler>,
  context: typeof import('../../../infra/local/api-event').lambdaContext,
): GatewayBackend {
  const lambdaMs = 10_000 * Number(process.env.TIMEOUT_SCALE ?? 1);
  return {
    match,
    invoke: async (route, event) => {
      const deadline = Date.now() + lambdaMs;
      const handler = await load(route.handler);
      return handler(event, { ...context(route.handler.replace(/\//g, '-')), getRemainingTimeInMillis: () => deadline - Date.now() });
    },
  };
}

const emptyCounts = (): Accounting => ({ calls: {}, readUnits: 0, writeUnits: 0, consumed: { read: 0, write: 0, indexRead: 0, indexWrite: 0 }, items: {}, auditEvents: 0 });

async function main() {
  applyLocalDefaults(0, process.env.DYNAMODB_ENDPOINT!);
  const { startGateway, loadHandler } = await import('../../../infra/local/gateway');
  const { lambdaContext, matchRoute } = await import('../../../infra/local/api-event');
  const { db } = await import('../../../shared/store/client');
  const { GetCommand } = await import('../../../shared/store/commands');
  let accounting = false;
  let inner = false;
  let counts = emptyCounts();
  const sizeOfStored = async (TableName: string, Key: Record<string, unknown>) => {
    inner = true;
    try {
      return itemSize((await db().send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item);
    } finally {
      inner = false;
    }
  };
  const noteItem = (sk: unknown, bytes: number) => {
    // The kind of item: its sort key's prefix (SESSION#…, AUDIT#…, MFA, USED_PENDING#…).
    const kind = String(sk ?? '?').split('#')[0]!;
    counts.items[kind] = Math.max(counts.items[kind] ?? 0, bytes);
  };
  /** Units of one write; an update is charged on the larger of the item before and after. */
  const writeOf = async (op: Record<string, any>, transactional: boolean, before = 0): Promise<number> => {
    if (op.Put) {
      const bytes = itemSize(op.Put.Item);
      if (String(op.Put.Item.sk).startsWith('AUDIT#') && typeof op.Put.Item.orgId === 'number') counts.auditEvents++;
      noteItem(op.Put.Item.sk, bytes);
      return writeUnits(bytes, transactional);
    }
    const target = op.Update ?? op.Delete ?? op.ConditionCheck;
    const bytes = Math.max(before, op.Delete ? before : await sizeOfStored(target.TableName, target.Key));
    noteItem(target.Key.sk, bytes);
    return writeUnits(bytes, transactional);
  };
  db().intercept(async (call, next) => {
    if (!accounting || inner) return next(call);
    const name = call.operation;
    counts.calls[name] = (counts.calls[name] ?? 0) + 1;
    const input = call.input;
    // Sizes before the write, for deletes and updates (the larger of before and after is charged).
    const befores: number[] = [];
    if (name === 'TransactWriteItems') {
      for (const op of input.TransactItems) {
        const target = op.Update ?? op.Delete;
        befores.push(target ? await sizeOfStored(target.TableName, target.Key) : 0);
      }
    } else if (name === 'UpdateItem' || name === 'DeleteItem') befores.push(await sizeOfStored(input.TableName, input.Key));
    // DynamoDB Local reports the units it charges, the indexes' apart.
    if (READS.has(name) || WRITES.has(name)) input.ReturnConsumedCapacity = 'INDEXES';
    const output = await next(call);
    const units = unitsOf(output.ConsumedCapacity);
    if (WRITES.has(name)) {
      counts.consumed.write += units.table;
      counts.consumed.indexWrite += units.index;
    } else if (READS.has(name)) {
      counts.consumed.read += units.table;
      counts.consumed.indexRead += units.index;
    }
    if (name === 'TransactWriteItems') {
      for (const [i, op] of (input.TransactItems as Array<Record<string, any>>).entries()) counts.writeUnits += await writeOf(op, true, befores[i]);
    } else if (name === 'PutItem') counts.writeUnits += await writeOf({ Put: input }, false);
    else if (name === 'UpdateItem') counts.writeUnits += await writeOf({ Update: input }, false, befores[0]);
    else if (name === 'DeleteItem') counts.writeUnits += await writeOf({ Delete: input }, false, befores[0]);
    else if (name === 'GetItem') counts.readUnits += readUnits(itemSize(output.Item), !!input.ConsistentRead);
    else if (name === 'Query' || name === 'Scan') {
      const bytes = (output.Items ?? []).reduce((sum: number, item: Record<string, unknown>) => sum + itemSize(item), 0);
      counts.readUnits += readUnits(bytes, !!input.ConsistentRead);
    } else if (name === 'BatchGetItem') {
      for (const [table, request] of Object.entries(input.RequestItems as Record<string, { Keys: unknown[]; ConsistentRead?: boolean }>)) {
        const found = (output.Responses?.[table] ?? []) as Array<Record<string, unknown>>;
        for (const item of found) counts.readUnits += readUnits(itemSize(item), !!request.ConsistentRead);
        counts.readUnits += (request.Keys.length - found.length) * readUnits(0, !!request.ConsistentRead);
      }
    } else if (name === 'TransactGetItems') {
      for (const r of output.Responses ?? []) counts.readUnits += 2 * readUnits(itemSize(r.Item), true);
    }
    return output;
  });
  const { server, url } = await startGateway(0, '127.0.0.1', scaledLambdaTime(matchRoute, loadHandler, lambdaContext));
  const { Session } = await import('node:inspector/promises');
  const inspector = new Session();
  process.on('message', async (message: { type: string; on?: boolean; file?: string }) => {
    if (message.type === 'account') accounting = !!message.on;
    else if (message.type === 'profile' && message.on) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
      process.send!({ type: 'profiling' });
    } else if (message.type === 'profile') {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(message.file!, JSON.stringify(profile));
      inspector.disconnect();
      process.send!({ type: 'profiled' });
    }
    else if (message.type === 'take') {
      process.send!({ type: 'taken', counts });
      counts = emptyCounts();
    } else if (message.type === 'stop') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.send!({ type: 'ready', url });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

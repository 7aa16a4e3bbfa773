/**
 * The local stand-in for the EventBridge Pipe: follows DynamoDB Local's stream of the table and
 * appends each security event (infra/security-events.ts: the pipe's own filter, template and target
 * parameters) to a JSON Lines file, one EventBridge event per line.
 *
 * It starts at the stream's end (events written before it started are not replayed) and follows
 * every shard, including those that replace a closed one.
 *
 * `notify`: the EventBridge rule's target in AWS, here handed each event after it is written (the
 * security notifier, functions/events/security-notification.ts). One event at a time, in order; a
 * target that fails is logged and the stream goes on (in AWS, Lambda retries and then keeps the event
 * in a dead-letter queue).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { securityEventOf, type SecurityEvent, type StreamRecord } from '../security-events';

export interface FollowerOptions {
  endpoint: string;
  tableName: string;
  /** The JSON Lines file the events are appended to. */
  file: string;
  /** Between polls of the stream. @default 200 */
  pollMs?: number;
  log?: (message: string) => void;
  /** The rule target's stand-in: called with each event once it is in the file. */
  notify?: (event: SecurityEvent) => Promise<unknown>;
}

export interface SecurityEventFollower {
  /** Stops polling: a request under way is abandoned (what it would have read is not written). */
  stop(): Promise<void>;
}

/** The envelope's account and region for local events (EventBridge fills in its own in AWS). */
const LOCAL = { account: '000000000000', region: 'local' };

export async function followSecurityEvents(options: FollowerOptions): Promise<SecurityEventFollower> {
  const config = { endpoint: options.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const tables = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const pollMs = options.pollMs ?? 200;
  // Stopping must not wait for DynamoDB Local: `npm start` stops it right after this.
  const abort = new AbortController();
  const signal = { abortSignal: abort.signal };
  let streamArn: string;
  try {
    const { Table } = await tables.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`The table ${options.tableName} has no stream (infra/local/create-table.ts enables it)`);
    streamArn = Table.LatestStreamArn;
  } finally {
    tables.destroy();
  }
  await mkdir(dirname(options.file), { recursive: true });

  /** Open shards by id, each with the iterator of its next read; closed shards are remembered as done. */
  const iterators = new Map<string, string>();
  const done = new Set<string>();
  const iteratorOf = async (shard: Shard, type: 'LATEST' | 'TRIM_HORIZON') =>
    (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: type }), signal)).ShardIterator;

  /** Takes up shards not seen yet: at the start, the open ones from their end; later, from their start. */
  async function discover(first: boolean): Promise<void> {
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }), signal);
      for (const shard of StreamDescription?.Shards ?? []) {
        const id = shard.ShardId!;
        if (iterators.has(id) || done.has(id)) continue;
        const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        if (first && closed) {
          done.add(id);
          continue;
        }
        const iterator = await iteratorOf(shard, first ? 'LATEST' : 'TRIM_HORIZON');
        if (iterator) iterators.set(id, iterator);
        else done.add(id);
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  async function poll(): Promise<void> {
    let shardClosed = false;
    const events: SecurityEvent[] = [];
    for (const [id, iterator] of iterators) {
      const { Records = [], NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }), signal);
      for (const record of Records) {
        const event = securityEventOf(record as StreamRecord, LOCAL);
        if (event) events.push(event);
      }
      if (NextShardIterator) iterators.set(id, NextShardIterator);
      else {
        iterators.delete(id);
        done.add(id);
        shardClosed = true;
      }
    }
    if (events.length > 0) await appendFile(options.file, events.map((event) => JSON.stringify(event) + '\n').join(''));
    for (const event of options.notify ? events : []) {
      await options.notify!(event).catch((error: Error) =>
        options.log?.(`Security event ${event.detail.eventId} (${event['detail-type']}): the notifier failed: ${error.name}: ${error.message}`),
      );
    }
    if (shardClosed || iterators.size === 0) await discover(false);
  }

  await discover(true);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = poll()
        .catch((error: Error) => {
          if (!stopped) options.log?.(`Security events: ${error.name}: ${error.message}`);
        })
        .finally(schedule);
    }, pollMs);
    // Following the stream alone keeps no process alive.
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      abort.abort();
      await current;
      streams.destroy();
    },
  };
}

/**
 * Fault injection into the service's real AWS SDK clients, through the SDK's own middleware stack
 * (no mock of DynamoDB): on a chosen share of attempts, a call fails the way AWS fails, inside the
 * SDK's retries, so the retry policy, the request budget and the 503 mapping
 * (shared/store/aws-clients.ts) all run as they would in AWS.
 *
 * Kinds: `throttling` (ThrottlingException), `throughput` (ProvisionedThroughputExceededException),
 * `internal` (InternalServerError, HTTP 500), `contention` (a TransactWriteItems cancelled with
 * TransactionConflict), `stall` (the request goes to a socket that never answers: the client's own
 * request timeout fires), `unavailable` (KMS: KMSInternalException; SNS: InternalError; 500).
 *
 * Used by tests (installFaults) and by `npm start` when FAULT_RATE or FAULT_STALL_RATE is set
 * (faultsFromEnv). No function imports this module, so no bundle carries it: a deployed stack
 * cannot inject faults.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { FinalizeHandler, FinalizeHandlerArguments, MiddlewareStack } from '@smithy/types';
import { resetDb } from '../../shared/store/client';
import { setClientDecorator, type AwsService } from '../../shared/store/aws-clients';

export const FAULT_KINDS = ['throttling', 'throughput', 'internal', 'contention', 'stall', 'unavailable'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  /** Share of attempts (0..1) that fail with one of `kinds` (other than stall). */
  rate: number;
  kinds: FaultKind[];
  /** Share of attempts (0..1) that stall, on top of `rate`. */
  stallRate?: number;
  /** The clients affected (default: all). */
  services?: AwsService[];
  /** At most this many faults in all, then clean calls (a test's single stall). */
  limit?: number;
  /** Seed of the random choice, so a test run repeats (default: random). */
  seed?: number;
}

export interface FaultStats {
  attempts: number;
  injected: Partial<Record<FaultKind, number>>;
}

export interface Faults {
  readonly stats: FaultStats;
  /** Turns injection on or off (a test's own fixtures run with it off). */
  enabled: boolean;
  /** Removes the decorator and the stalled socket; clients built later are clean. */
  uninstall(): Promise<void>;
}

/** mulberry32: a small seeded generator, good enough to choose faults. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An error shaped as the SDK deserialises AWS's: name, fault, HTTP status. */
function awsError(name: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`injected fault: ${name}`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
    ...extra,
  });
}

function errorFor(kind: Exclude<FaultKind, 'stall'>, service: AwsService, target: string, body: unknown): Error | undefined {
  switch (kind) {
    case 'throttling':
      return awsError('ThrottlingException', 400);
    case 'throughput':
      return service === 'dynamodb' ? awsError('ProvisionedThroughputExceededException', 400) : undefined;
    case 'internal':
      return service === 'dynamodb' ? awsError('InternalServerError', 500) : undefined;
    case 'contention': {
      if (!target.endsWith('.TransactWriteItems')) return undefined;
      const items = ((body as { TransactItems?: unknown[] })?.TransactItems ?? []).length;
      const reasons = Array.from({ length: items }, (_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' }));
      return awsError('TransactionCanceledException', 400, { CancellationReasons: reasons });
    }
    case 'unavailable':
      if (service === 'kms') return awsError('KMSInternalException', 500);
      if (service === 'sns' || service === 'ses') return awsError('InternalError', 500);
      return undefined;
  }
}

/** A TCP server that accepts and never answers: where a stalled request goes. */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface FinalizeArgs {
  request: { hostname: string; port?: number; protocol: string; headers: Record<string, string>; body?: unknown };
}

export async function installFaults(spec: FaultSpec): Promise<Faults> {
  const random = seeded(spec.seed ?? Math.floor(Math.random() * 2 ** 32));
  const hole = spec.stallRate ? await blackHole() : undefined;
  const kinds = spec.kinds.filter((k): k is Exclude<FaultKind, 'stall'> => k !== 'stall');
  const faults: Faults = {
    stats: { attempts: 0, injected: {} },
    enabled: true,
    async uninstall() {
      setClientDecorator(undefined);
      resetDb();
      await hole?.close();
    },
  };
  let total = 0;
  const count = (kind: FaultKind) => {
    total++;
    faults.stats.injected[kind] = (faults.stats.injected[kind] ?? 0) + 1;
  };

  setClientDecorator((client, service) => {
    if (spec.services && !spec.services.includes(service)) return;
    const stack = client.middlewareStack as unknown as MiddlewareStack<object, object>;
    stack.addRelativeTo(
      (next: FinalizeHandler<object, object>) => async (args: FinalizeHandlerArguments<object>) => {
        if (!faults.enabled || (spec.limit !== undefined && total >= spec.limit)) return next(args);
        faults.stats.attempts++;
        const { request } = args as FinalizeArgs;
        const roll = random();
        if (hole && roll < spec.stallRate!) {
          count('stall');
          // A copy (the retry sends the original again), signed already: the black hole checks nothing.
          // The client's request timeout ends it.
          const rerouted = Object.assign(Object.create(Object.getPrototypeOf(request) as object) as object, request, {
            protocol: 'http:',
            hostname: '127.0.0.1',
            port: hole.port,
          });
          return next({ ...args, request: rerouted });
        }
        if (kinds.length && roll < (spec.stallRate ?? 0) + spec.rate) {
          const kind = kinds[Math.floor(random() * kinds.length)]!;
          const target = request.headers['x-amz-target'] ?? '';
          const body = typeof request.body === 'string' && target ? (JSON.parse(request.body) as unknown) : undefined;
          const error = errorFor(kind, service, target, body);
          if (error) {
            count(kind);
            throw error;
          }
        }
        return next(args);
      },
      // After the retry middleware: each attempt rolls again, as each real attempt may fail.
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'faultInjection' },
    );
  });
  resetDb(); // the next db() is built with the decorator
  return faults;
}

/**
 * `npm start` with faults: FAULT_RATE (0..1), FAULT_KINDS (comma-separated, default all but stall),
 * FAULT_STALL_RATE (0..1), FAULT_SERVICES (dynamodb,kms,sns), FAULT_SEED. Undefined when unset.
 */
export function faultSpecFromEnv(env: NodeJS.ProcessEnv = process.env): FaultSpec | undefined {
  if (!env.FAULT_RATE && !env.FAULT_STALL_RATE) return undefined;
  const share = (name: string) => {
    const value = Number(env[name] ?? 0);
    if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a share between 0 and 1`);
    return value;
  };
  const kinds = (env.FAULT_KINDS ?? FAULT_KINDS.filter((k) => k !== 'stall').join(',')).split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`FAULT_KINDS: unknown ${unknown.join(', ')} (known: ${FAULT_KINDS.join(', ')})`);
  return {
    rate: share('FAULT_RATE'),
    stallRate: share('FAULT_STALL_RATE'),
    kinds: kinds as FaultKind[],
    services: env.FAULT_SERVICES ? (env.FAULT_SERVICES.split(',') as AwsService[]) : undefined,
    seed: env.FAULT_SEED ? Number(env.FAULT_SEED) : undefined,
  };
}

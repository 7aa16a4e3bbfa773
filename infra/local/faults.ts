/**
 * Fault injection into the service's real AWS clients (no mock of DynamoDB): on a chosen share of
 * attempts, a call fails the way AWS fails, inside the clients' retries, so the retry policy, the
 * request budget and the 503 mapping (shared/store/aws-policy.ts) all run as they would in AWS. The
 * DynamoDB and KMS clients get an answer as the service's JSON API gives it
 * (shared/store/aws-json-client.ts, its attempt interceptors); the SDK clients (SNS, SES) an error as
 * the SDK deserialises it (their middleware).
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
import { setJsonClientDecorator, type WireResponse } from '../../shared/store/aws-json-client';
import { resetDb } from '../../shared/store/client';
import { setClientDecorator } from '../../shared/store/aws-clients';
import type { AwsService } from '../../shared/store/aws-policy';

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

function errorFor(kind: Exclude<FaultKind, 'stall'>, service: AwsService): Error | undefined {
  switch (kind) {
    case 'throttling':
      return awsError('ThrottlingException', 400);
    case 'unavailable':
      if (service === 'sns' || service === 'ses') return awsError('InternalError', 500);
      return undefined;
    default:
      return undefined; // DynamoDB's own faults
  }
}

/** The answer of DynamoDB or KMS to an attempt that meets fault `kind`, as its JSON API gives it; undefined: no such fault for it. */
function jsonAnswer(kind: Exclude<FaultKind, 'stall'>, service: AwsService, operation: string, body: unknown): WireResponse | undefined {
  const answer = (status: number, name: string, extra: object = {}) => ({
    status,
    body: JSON.stringify({ __type: service === 'dynamodb' ? `com.amazonaws.dynamodb.v20120810#${name}` : name, message: `injected fault: ${name}`, ...extra }),
  });
  if (service === 'kms') {
    if (kind === 'throttling') return answer(400, 'ThrottlingException');
    return kind === 'unavailable' ? answer(500, 'KMSInternalException') : undefined;
  }
  switch (kind) {
    case 'throttling':
      return answer(400, 'ThrottlingException');
    case 'throughput':
      return answer(400, 'ProvisionedThroughputExceededException');
    case 'internal':
      return answer(500, 'InternalServerError');
    case 'contention': {
      if (operation !== 'TransactWriteItems') return undefined;
      const items = ((body as { TransactItems?: unknown[] })?.TransactItems ?? []).length;
      return answer(400, 'TransactionCanceledException', { CancellationReasons: Array.from({ length: items }, (_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' })) });
    }
    case 'unavailable':
      return undefined; // KMS, SNS and SES only
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
      setJsonClientDecorator(undefined);
      resetDb();
      await hole?.close();
    },
  };
  let total = 0;
  const count = (kind: FaultKind) => {
    total++;
    faults.stats.injected[kind] = (faults.stats.injected[kind] ?? 0) + 1;
  };

  const affects = (service: AwsService) => !spec.services || spec.services.includes(service);
  /** Whether this attempt fails, and how: a stall, a fault of one of `kinds`, or nothing. */
  const roll = (): FaultKind | undefined => {
    if (!faults.enabled || (spec.limit !== undefined && total >= spec.limit)) return undefined;
    faults.stats.attempts++;
    const r = random();
    if (hole && r < spec.stallRate!) return 'stall';
    if (kinds.length && r < (spec.stallRate ?? 0) + spec.rate) return kinds[Math.floor(random() * kinds.length)]!;
    return undefined;
  };

  setJsonClientDecorator((client, service) => {
    if (!affects(service)) return;
    client.interceptAttempts(async (request, next) => {
      const kind = roll();
      if (kind === 'stall') {
        count('stall');
        // Signed for DynamoDB already: the black hole checks nothing. The client's request timeout ends it.
        return next({ ...request, endpoint: new URL(`http://127.0.0.1:${hole!.port}`) });
      }
      const answer = kind && jsonAnswer(kind, service, request.operation, JSON.parse(request.body) as unknown);
      if (!answer) return next(request);
      count(kind);
      return answer;
    });
  });
  setClientDecorator((client, service) => {
    if (!affects(service)) return;
    const stack = client.middlewareStack as unknown as MiddlewareStack<object, object>;
    stack.addRelativeTo(
      (next: FinalizeHandler<object, object>) => async (args: FinalizeHandlerArguments<object>) => {
        const kind = roll();
        if (!kind) return next(args);
        const { request } = args as FinalizeArgs;
        if (kind === 'stall') {
          count('stall');
          // A copy (the retry sends the original again), signed already: the black hole checks nothing.
          // The client's request timeout ends it.
          const rerouted = Object.assign(Object.create(Object.getPrototypeOf(request) as object) as object, request, {
            protocol: 'http:',
            hostname: '127.0.0.1',
            port: hole!.port,
          });
          return next({ ...args, request: rerouted });
        }
        const error = errorFor(kind, service);
        if (error) {
          count(kind);
          throw error;
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

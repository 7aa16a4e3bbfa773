/**
 * Fault injection into the service's real AWS clients (no mock of DynamoDB): on a chosen share of
 * attempts, a call fails the way AWS fails, inside the clients' retries, so the retry policy, the
 * request budget and the 503 mapping (shared/store/aws-policy.ts) all run as they would in AWS: each
 * client (shared/store/aws-client.ts) gets, through its attempt interceptors, an answer as the
 * service's API gives it.
 *
 * Kinds: `throttling` (ThrottlingException), `throughput` (ProvisionedThroughputExceededException),
 * `internal` (InternalServerError, HTTP 500), `contention` (a TransactWriteItems cancelled with
 * TransactionConflict), `stall` (the request goes to a socket that never answers: the client's own
 * request timeout fires), `unavailable` (KMS: KMSInternalException; SES: InternalFailure; SNS: InternalError; 500).
 *
 * Used by tests (installFaults) and by `npm start` when FAULT_RATE or FAULT_STALL_RATE is set
 * (faultsFromEnv). No function imports this module, so no bundle carries it: a deployed stack
 * cannot inject faults.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { setClientDecorator, type WireRequest, type WireResponse } from '../../shared/store/aws-client';
import { resetDb } from '../../shared/store/client';
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

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A refusal as `service`'s API answers it: DynamoDB's and KMS's JSON `__type` (DynamoDB's namespaced),
 * SES's REST JSON with `x-amzn-errortype`, SNS's query-protocol XML. Also the tests' wire doubles'.
 */
export function refusedBy(service: AwsService, status: number, name: string, message: string, fields: object = {}): WireResponse {
  switch (service) {
    case 'sns':
      return {
        status,
        body: `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${name}</Code><Message>${escapeXml(message)}</Message></Error></ErrorResponse>`,
      };
    case 'ses':
      return { status, body: JSON.stringify({ message, ...fields }), errorType: name };
    default:
      return { status, body: JSON.stringify({ __type: service === 'dynamodb' ? `com.amazonaws.dynamodb.v20120810#${name}` : name, message, ...fields }) };
  }
}

/** The answer of the service to an attempt that meets fault `kind`, as its API gives it; undefined: no such fault for it. */
function answerOf(kind: Exclude<FaultKind, 'stall'>, service: AwsService, request: WireRequest): WireResponse | undefined {
  const refused = (status: number, name: string, fields?: object) => refusedBy(service, status, name, `injected fault: ${name}`, fields);
  switch (service) {
    case 'kms':
      if (kind === 'throttling') return refused(400, 'ThrottlingException');
      return kind === 'unavailable' ? refused(500, 'KMSInternalException') : undefined;
    case 'ses':
      if (kind === 'throttling') return refused(429, 'TooManyRequestsException');
      return kind === 'unavailable' ? refused(500, 'InternalFailure') : undefined;
    case 'sns':
      if (kind === 'throttling') return refused(400, 'Throttling');
      return kind === 'unavailable' ? refused(500, 'InternalError') : undefined;
    case 'dynamodb':
      switch (kind) {
        case 'throttling':
          return refused(400, 'ThrottlingException');
        case 'throughput':
          return refused(400, 'ProvisionedThroughputExceededException');
        case 'internal':
          return refused(500, 'InternalServerError');
        case 'contention': {
          if (request.operation !== 'TransactWriteItems') return undefined;
          const items = ((JSON.parse(request.body) as { TransactItems?: unknown[] }).TransactItems ?? []).length;
          return refused(400, 'TransactionCanceledException', { CancellationReasons: Array.from({ length: items }, (_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' })) });
        }
        case 'unavailable':
          return undefined; // KMS, SNS and SES only
      }
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

  setClientDecorator((client, service) => {
    if (!affects(service)) return;
    client.interceptAttempts(async (request, next) => {
      const kind = roll();
      if (kind === 'stall') {
        count('stall');
        // Signed already: the black hole checks nothing. The client's request timeout ends it.
        return next({ ...request, endpoint: new URL(`http://127.0.0.1:${hole!.port}`) });
      }
      const answer = kind && answerOf(kind, service, request);
      if (!answer) return next(request);
      count(kind);
      return answer;
    });
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

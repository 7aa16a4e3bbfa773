/**
 * What a route is: who may call it, what it validates, the AWS resources and budgets its function
 * gets. The routes themselves are functions/route-entries.ts; functions/routes.ts indexes them by key.
 */
import type { ZodMiniType } from 'zod/mini';

/**
 * Who may call a route:
 * - public: anyone;
 * - pending: a pending-2FA login token (scope "2fa") or a full token;
 * - user: a full access token; admin: an org admin (or support, on any org); support: platform staff.
 */
export type Access = 'public' | 'pending' | 'user' | 'admin' | 'support';

/**
 * Error dialects: RFC 9457 problem details everywhere but Zitadel's management API, whose REST
 * gateway answers `{code, message, details}` and whose RPC paths answer gRPC-web trailers or
 * Connect's error JSON (functions/rpc.ts).
 */
export type Dialect = 'problem' | 'zitadel' | 'grpc';

export interface Route {
  /** `METHOD /path`, as API Gateway's route key. */
  key: string;
  handler: string;
  access: Access;
  summary: string;
  tag: string;
  /** Success status, for the OpenAPI document. */
  status?: number;
  body?: ZodMiniType;
  params?: ZodMiniType;
  query?: ZodMiniType;
  /** Sensitive routes refuse impersonation tokens. */
  sensitive?: boolean;
  /**
   * Every request that changes state proves the caller's session is live (functions/endpoint.ts):
   * by default with one consistent read before the handler; 'transaction' where every write the
   * route makes is one DynamoDB transaction, which then carries a ConditionCheck on the session.
   */
  sessionProof?: 'read' | 'transaction';
  /** The request's time budget where 'standard' is not right (BUDGETS). */
  budget?: Budget;
  /** Lambda memory in MB where the default (256) is not right. */
  memoryMb?: number;
  /** Table access the function gets (least privilege): default read-write. */
  table?: 'none' | 'read' | 'readwrite';
  /** Uses the data key (encrypts secrets, hashes codes or tokens, signs tokens): gets KMS unwrap. */
  secrets?: boolean;
  /** Sends SMS: gets sns:Publish. */
  sms?: boolean;
  /** Sends email: gets ses:SendEmail on the sender identity only. */
  email?: boolean;
  /** Also takes a pending password-reset token (the route that finishes a reset with a second factor). */
  finishesReset?: boolean;
  /**
   * This route's own API Gateway throttle (all clients together) instead of the stage's default:
   * the routes that check a credential or cost money per call get a smaller share (THROTTLES). Named,
   * not the object: a function's bundle then keeps its own route's entry alone (functions/route-entries.ts).
   */
  throttle?: keyof typeof THROTTLES;
}

/**
 * Time budgets in ms. A request still working when its budget is spent answers 503 with
 * Retry-After (functions/endpoint.ts caps every AWS call by it), well before the Lambda timeout,
 * which is the budget plus FUNCTION_TIMEOUT_MARGIN_MS (infra). The arithmetic: README, Failure behaviour.
 */
export const BUDGETS = {
  /** A handful of DynamoDB calls (and the data key from KMS on a cold start). */
  standard: 3000,
  /** scrypt (about 0.3 s of CPU at 1 GB) and three DynamoDB calls. */
  password: 5000,
  /** DynamoDB calls and an SNS Publish (hundreds of ms, two attempts of at most 3 s). */
  sms: 8000,
} as const;
export type Budget = keyof typeof BUDGETS;

/** What the Lambda timeout leaves above the budget: mapping the 503, logging, a slow last CPU step. */
export const FUNCTION_TIMEOUT_MARGIN_MS = 1000;

export const budgetOf = (route: Route): Budget => route.budget ?? (route.sms ? 'sms' : 'standard');

/** Requests per second (steady) and the burst API Gateway lets through, across all clients of a route. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * Route throttles tighter than the stage's default (100/s, burst 200): a flood of password or code
 * guesses, or of SMS and email sends, is cut at the API before it costs Lambda time (scrypt at 1 GB)
 * or money (each message), and cannot use up the stage's share that every other route needs. The
 * edge's per-address rules follow the same classes (infra/constructs/edge-protection.ts).
 */
export const THROTTLES = {
  /** Checks a password or a second-factor code. */
  credential: { rateLimit: 50, burstLimit: 100 },
  /** Sends an SMS or an email to a person (each is paid for, and lands on a phone or in a mailbox). */
  message: { rateLimit: 5, burstLimit: 10 },
} as const satisfies Record<string, Throttle>;

export function splitRouteKey(key: string): { method: string; path: string } {
  const [method, path] = key.split(' ') as [string, string];
  return { method, path };
}

export function dialectOf(key: string): Dialect {
  if (key.includes(' /zitadel.')) return 'grpc';
  return key.includes(' /management/v1/') ? 'zitadel' : 'problem';
}

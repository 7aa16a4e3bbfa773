/**
 * The middleware stack every handler runs in (middy): request-scoped logs, the dialect's error
 * mapping, body limits and JSON parsing, authentication by the route's access level, zod
 * validation of body, path and query, and the proof that the caller's session is still live on
 * every request that changes state. A handler gets typed, validated input, the principal and the
 * actor its audit events name, and returns a Reply.
 * RPC routes (gRPC-web, Connect) pass a Wire that decodes the request message to the JSON their
 * schema validates and encodes the reply and errors (functions/rpc.ts); the rest is the same.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Actor } from '../shared/audit/events';
import { config } from '../shared/config';
import { publicError, errorResponse } from '../shared/http/problem';
import { header, readJsonBody, validate } from '../shared/http/request';
import { cameThroughFrontDoor, clientAddress } from '../shared/http/client-address';
import { logger } from '../shared/log';
import * as metrics from '../shared/metrics';
import { Forbidden, Unauthenticated, Unavailable } from '../shared/errors';
import { assertCredentialLive, credentialGuard } from '../shared/tokens/live-session';
import { authenticate, type Principal } from '../shared/tokens/principal';
import { LostRace } from '../shared/store/conditions';
import { withDeadline } from '../shared/store/deadline';
import { runGuarded } from '../shared/store/transact';
import { BUDGETS, budgetOf, dialectOf, FUNCTION_TIMEOUT_MARGIN_MS, splitRouteKey, type Route } from './route';

type Parsed<E, F extends string> = E extends { [P in F]: infer S extends z.ZodMiniType } ? z.output<S> : undefined;

type CallerOf<R extends Route> = R['access'] extends 'public' ? undefined : Principal;

/** Who makes the request, as the audit trail records it: the principal (none on a public route) and where from. */
export interface RequestActor<P extends Principal | undefined = Principal | undefined> extends Actor {
  principal: P;
  sourceIp: string;
  userAgent: string;
}

/** What a handler of route R gets (R: its entry in functions/route-entries.ts). */
export interface ApiRequest<R extends Route> {
  body: Parsed<R, 'body'>;
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  principal: CallerOf<R>;
  actor: RequestActor<CallerOf<R>>;
  headers: Record<string, string | undefined>;
  /** The request's cookies, `name=value` each (API Gateway v2 hands them apart from the headers). */
  cookies: string[];
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set-Cookie values (API Gateway v2 sends one header each). */
  cookies?: string[];
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** How an RPC route's messages travel (functions/rpc.ts); JSON routes have none. */
export interface Wire {
  /** The request message as the JSON value the route's body schema validates. */
  readBody(event: Event, maxBytes: number): unknown;
  reply(event: Event, reply: Reply): Result;
  /** The error mapping of the 'grpc' dialect. */
  error(event: Event, error: unknown): Result;
}

/** Maps thrown errors to the dialect's error body; logs what is not the client's fault. */
function errorMapper(key: string, wire: Wire | undefined): MiddlewareObj<Event, Result> {
  const dialect = dialectOf(key);
  if ((dialect === 'grpc') !== (wire !== undefined)) throw new Error(`Route "${key}": RPC routes, and only they, take a Wire`);
  return {
    onError: async (request) => {
      // Contention that outlasted the transaction retries and that the domain did not turn into an
      // answer of its own: the table was busy, not the request wrong. Retrying is right: 503.
      if (request.error instanceof LostRace && !request.error.failed.length) request.error = new Unavailable(undefined, { cause: request.error });
      const { status, code } = publicError(request.error);
      if (status >= 500) logger.error('request failed', { route: key, error: request.error as Error });
      else logger.info('request refused', { route: key, status, code });
      request.response =
        dialect === 'grpc' ? wire!.error(request.event, request.error) : errorResponse(dialect, request.error, request.event.rawPath);
    },
  };
}

function toResult(reply: Reply): Result {
  const status = reply.status ?? 200;
  return {
    statusCode: status,
    headers: {
      'cache-control': 'no-store',
      ...(reply.body !== undefined && { 'content-type': 'application/json' }),
      ...reply.headers,
    },
    ...(reply.cookies?.length && { cookies: reply.cookies }),
    ...(reply.body !== undefined && { body: JSON.stringify(reply.body) }),
  };
}

/**
 * How a request proves its session is live, so that a revocation (logout, a deactivation, "sign out
 * everywhere else") is immediate on every route: a GET with one consistent read of the session (an
 * access token is not trusted for its remaining life); a write inside the route's own transaction
 * where every write it makes is one (`sessionProof: 'transaction'`), otherwise with the same read.
 * A pending login token has no session: its GETs rely on the account read every such route makes
 * (factors/authenticate.ts ownAccount refuses a user who is not active).
 */
function sessionProof(method: string, route: Route, principal: Principal): 'none' | 'read' | 'transaction' {
  if (principal.actorId !== undefined) return 'read';
  if (method === 'GET') return principal.pending ? 'none' : 'read';
  return route.sessionProof ?? 'read';
}

/**
 * Runs a handler whose transactions carry the session check. A path that made no transaction (a
 * change that changed nothing, a refusal) proves it with a read afterwards, so a dead session
 * always gets 401 and never learns anything else.
 */
async function inGuardedTransaction(principal: Principal, run: () => Promise<Reply>): Promise<Reply> {
  const { state, result } = runGuarded(credentialGuard(principal), run);
  try {
    const reply = await result;
    if (!state.proven) await assertCredentialLive(principal);
    return reply;
  } catch (error) {
    if (!state.proven && !(error instanceof Unauthenticated)) await assertCredentialLive(principal);
    throw error;
  }
}

/**
 * The request's budget: the route's, or less when Lambda gives less time (never more than the
 * invocation has left, minus the margin the 503 needs).
 */
function budgetMs(route: Route, context: Context): number {
  const left = context.getRemainingTimeInMillis?.() ?? Infinity;
  return Math.max(0, Math.min(BUDGETS[budgetOf(route)] * config().TIMEOUT_SCALE, left - FUNCTION_TIMEOUT_MARGIN_MS));
}

export function endpoint<R extends Route>(route: R, handle: (request: ApiRequest<R>) => Promise<Reply>, wire?: Wire) {
  const { key } = route;
  const { method } = splitRouteKey(key);
  // Should CPU work outlast the budget too (no AWS call left to refuse it), middy answers before
  // Lambda's timeout: a 503 like any other spent budget, never a bare timeout.
  const beforeLambdaTimeout = {
    timeoutEarlyInMillis: FUNCTION_TIMEOUT_MARGIN_MS / 2,
    timeoutEarlyResponse: () => {
      throw new Unavailable();
    },
  };
  return middy<Event, Result, Error, Context>(beforeLambdaTimeout)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // Once per invocation, after the error mapping (onError runs in reverse order of use).
    .use({ after: metrics.flush, onError: metrics.flush })
    .use(errorMapper(key, wire))
    .handler((event, context) => withDeadline(budgetMs(route, context), async () => {
      const { ORIGIN_VERIFY_SECRET: originSecret, FRONT_DOOR_ONLY } = config();
      // Behind the front door, a request without CloudFront's origin secret went around it (and its
      // WAF) to the API's own hostname: refused before anything else runs.
      if (FRONT_DOOR_ONLY === 'true' && !(originSecret && cameThroughFrontDoor(event.headers ?? {}, originSecret))) {
        throw new Forbidden("Requests go through the service's domain; the API's own endpoint is not served");
      }
      const body = wire ? wire.readBody(event, config().MAX_BODY_BYTES) : readJsonBody(event, config().MAX_BODY_BYTES, route.body !== undefined);
      const principal =
        route.access === 'public'
          ? undefined
          : await authenticate(header(event, 'authorization'), { access: route.access, sensitive: route.sensitive, finishesReset: route.finishesReset });
      const request = {
        body: validate(route.body, body, 'body'),
        params: validate(route.params, event.pathParameters, 'path'),
        query: validate(route.query, event.queryStringParameters, 'query'),
        principal,
        actor: {
          principal,
          sourceIp: clientAddress({ sourceIp: event.requestContext.http.sourceIp, headers: event.headers ?? {} }, originSecret),
          userAgent: event.requestContext.http.userAgent ?? '',
        },
        headers: event.headers ?? {},
        cookies: event.cookies ?? [],
      } as ApiRequest<R>;
      const proof = principal ? sessionProof(method, route, principal) : 'none';
      if (proof === 'read') await assertCredentialLive(principal!);
      const reply = proof === 'transaction' ? await inGuardedTransaction(principal!, () => handle(request)) : await handle(request);
      return wire ? wire.reply(event, reply) : toResult(reply);
    }));
}

/**
 * The middleware stack every handler runs in (middy): request-scoped logs, the dialect's error
 * mapping, body limits and JSON parsing, authentication by the route's access level, and zod
 * validation of body, path and query. A handler gets typed, validated input and returns a Reply.
 * RPC routes (gRPC-web, Connect) pass a Wire that decodes the request message to the JSON their
 * schema validates and encodes the reply and errors (functions/rpc.ts); the rest is the same.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { config } from '../shared/config';
import { publicError, errorResponse } from '../shared/http/problem';
import { header, readJsonBody, validate } from '../shared/http/request';
import { logger } from '../shared/log';
import { authenticate, type Principal } from '../shared/tokens/principal';
import { dialectOf, routes, type Route, type RouteKey } from './routes';

type Entry<K extends RouteKey> = (typeof routes)[K];
type Parsed<E, F extends string> = E extends { [P in F]: infer S extends z.ZodMiniType } ? z.output<S> : undefined;

export interface RequestMeta {
  requestId: string;
  sourceIp: string;
  userAgent: string;
}

export interface ApiRequest<K extends RouteKey> {
  body: Parsed<Entry<K>, 'body'>;
  params: Parsed<Entry<K>, 'params'>;
  query: Parsed<Entry<K>, 'query'>;
  principal: Entry<K>['access'] extends 'public' ? undefined : Principal;
  headers: Record<string, string | undefined>;
  meta: RequestMeta;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
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
function errorMapper(key: RouteKey, wire: Wire | undefined): MiddlewareObj<Event, Result> {
  const dialect = dialectOf(key);
  if ((dialect === 'grpc') !== (wire !== undefined)) throw new Error(`Route "${key}": RPC routes, and only they, take a Wire`);
  return {
    onError: async (request) => {
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
    ...(reply.body !== undefined && { body: JSON.stringify(reply.body) }),
  };
}

export function endpoint<K extends RouteKey>(key: K, handle: (request: ApiRequest<K>) => Promise<Reply>, wire?: Wire) {
  const route: Route = routes[key];
  return middy<Event, Result, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(errorMapper(key, wire))
    .handler(async (event) => {
      const body = wire ? wire.readBody(event, config().MAX_BODY_BYTES) : readJsonBody(event, config().MAX_BODY_BYTES, route.body !== undefined);
      const principal =
        route.access === 'public'
          ? undefined
          : await authenticate(header(event, 'authorization'), { access: route.access, sensitive: route.sensitive });
      const request = {
        body: validate(route.body, body, 'body'),
        params: validate(route.params, event.pathParameters, 'path'),
        query: validate(route.query, event.queryStringParameters, 'query'),
        principal,
        headers: event.headers ?? {},
        meta: {
          requestId: event.requestContext.requestId,
          sourceIp: event.requestContext.http.sourceIp,
          userAgent: event.requestContext.http.userAgent ?? '',
        },
      } as ApiRequest<K>;
      const reply = await handle(request);
      return wire ? wire.reply(event, reply) : toResult(reply);
    });
}

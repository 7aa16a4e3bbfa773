/**
 * Builds API Gateway HTTP API (payload format 2.0) events, as API Gateway would, so the local
 * server and the integration tests run the very handler code Lambda runs.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { routeEntries, splitRouteKey, type RouteKey } from '../../functions/routes';

export interface HttpRequest {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: string | Uint8Array;
  sourceIp?: string;
}

export interface MatchedRoute {
  key: RouteKey;
  handler: string;
  pathParameters: Record<string, string>;
}

export type RouteMatcher = (method: string, path: string) => MatchedRoute | 'method' | undefined;

/**
 * A matcher over route keys (`METHOD /path/{param}`, `{name+}` greedy, `ANY`), as API Gateway
 * matches them: a literal segment wins over a {parameter}, so routes with fewer parameters go first.
 */
export function routeMatcher(routes: ReadonlyArray<{ key: string; handler: string }>): RouteMatcher {
  const compiled = routes
    .map(({ key, handler }) => {
      const { method, path } = splitRouteKey(key as RouteKey);
      const names: string[] = [];
      let greedy = 0;
      const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)(\\?\+)?\\?\}/g, (_, name: string, plus?: string) => {
        names.push(name);
        if (plus) greedy++;
        return plus ? '(.+)' : '([^/]+)';
      });
      return { key: key as RouteKey, method, handler, regex: new RegExp(`^${pattern}$`), names, greedy };
    })
    .sort((a, b) => a.greedy - b.greedy || a.names.length - b.names.length);
  return (method, path) => {
    let pathMatched = false;
    for (const route of compiled) {
      const match = route.regex.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method && route.method !== 'ANY') continue;
      const pathParameters = Object.fromEntries(route.names.map((n, i) => [n, decodePathSegment(match[i + 1]!)]));
      return { key: route.key, handler: route.handler, pathParameters };
    }
    return pathMatched ? 'method' : undefined;
  };
}

/** A malformed escape stays as sent: the route's schema then refuses it with a 400. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route table's routes. */
const tableMatcher = routeMatcher(routeEntries().map(([key, route]) => ({ key, handler: route.handler })));

/** The route for a method and path; `undefined` when nothing serves the path, 'method' when only the method is wrong. */
export function matchRoute(method: string, path: string): MatchedRoute | 'method' | undefined {
  return tableMatcher(method, path);
}

/**
 * The content types whose bodies API Gateway's HTTP API hands to Lambda as UTF-8 text; every other
 * body (application/grpc-web+proto, application/proto, form-urlencoded, none at all) arrives
 * base64-encoded with `isBase64Encoded: true`. HTTP APIs have no binaryMediaTypes setting; this is
 * the split they make with payload format 2.0.
 */
export const isTextContentType = (contentType: string | undefined): boolean =>
  /^\s*(text\/[^;\s]+|application\/(json|xml|javascript))\s*(;|$)/i.test(contentType ?? '');

export function toApiEvent(request: HttpRequest, route: MatchedRoute): APIGatewayProxyEventV2 {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie') cookies.push(...String(value).split(/;\s*/));
    // API Gateway joins repeated headers with commas.
    headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-for'] ??= request.sourceIp ?? '127.0.0.1';
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body && Buffer.from(request.body);
  const text = isTextContentType(headers['content-type']);
  return {
    version: '2.0',
    routeKey: route.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length && { cookies }),
    headers,
    ...(Object.keys(query).length && { queryStringParameters: query }),
    ...(Object.keys(route.pathParameters).length && { pathParameters: route.pathParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body?.length && { body: body.toString(text ? 'utf8' : 'base64') }),
    isBase64Encoded: !!body?.length && !text,
  };
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

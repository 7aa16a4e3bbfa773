/**
 * Invokes a handler in-process with the API Gateway v2 event the gateway would build; with
 * TEST_SERVER_MODE=synth, the synthesized stack's function for the route, over HTTP.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext, matchRoute, toApiEvent } from '../../infra/local/api-event';
import { loadHandler } from '../../infra/local/gateway';
import { splitRouteKey, type RouteKey } from '../../functions/routes';

export interface InvokeOptions {
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  body?: unknown;
  /** Sent as is (no JSON encoding): text, or bytes (RPC messages). */
  rawBody?: string | Uint8Array;
  token?: string;
  headers?: Record<string, string>;
  sourceIp?: string;
}

export interface InvokeResult {
  status: number;
  headers: Record<string, string>;
  /** Set-Cookie values (payload 2.0's `cookies`), where the answer sets any. */
  cookies?: string[];
  body: any;
}

export async function invoke(key: RouteKey, options: InvokeOptions = {}): Promise<InvokeResult> {
  const { method, path } = splitRouteKey(key);
  const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(options.params?.[name] ?? '')));
  const search = options.query ? `?${new URLSearchParams(options.query)}` : '';
  const route = matchRoute(method, concrete);
  if (!route || route === 'method') throw new Error(`No route for ${method} ${concrete}`);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const event = toApiEvent(
    {
      method,
      url: concrete + search,
      sourceIp: options.sourceIp,
      body,
      headers: {
        'user-agent': 'jest',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...options.headers,
      },
    },
    route,
  );
  const result = process.env.TEST_SERVER_MODE === 'synth' ? await overHttp(event) : await inProcess(route.handler, event);
  const bytes = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  const json = /^application\/(problem\+)?json\b/.test(String(result.headers?.['content-type']));
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    ...(result.cookies?.length && { cookies: result.cookies }),
    body: bytes.length && json ? JSON.parse(bytes.toString('utf8')) : result.isBase64Encoded ? bytes : bytes.toString('utf8'),
  };
}

async function inProcess(handlerName: string, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = await loadHandler(handlerName);
  return (await handler(event, lambdaContext(handlerName))) as APIGatewayProxyStructuredResultV2;
}

async function overHttp(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const response = await fetch(`${process.env.TEST_SYNTH_URL}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`, {
    method: event.requestContext.http.method,
    headers: Object.fromEntries(Object.entries(event.headers).filter(([name]) => !name.startsWith('x-forwarded-'))) as Record<string, string>,
    body: event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  // Bytes as the handler would return them: RPC answers are binary.
  const cookies = response.headers.getSetCookie();
  return { statusCode: response.status, headers, ...(cookies.length && { cookies }), body: Buffer.from(await response.arrayBuffer()).toString('base64'), isBase64Encoded: true };
}

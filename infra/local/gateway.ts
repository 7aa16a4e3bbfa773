/**
 * The local stand-in for API Gateway: an HTTP server that turns each request into a payload 2.0
 * event for the handler the route table names (loaded on first use) and writes its result back.
 * Paths no route serves fall through to the self-service page in web/.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { errorResponse } from '../../shared/http/problem';
import { ErrorCode, NotFound, PayloadTooLarge, MethodNotAllowed } from '../../shared/errors';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext, matchRoute, toApiEvent, type LambdaHandler, type MatchedRoute, type RouteMatcher } from './api-event';
import { reservePort } from './dynamodb';
import { serveStatic } from './static-files';
import { SECURITY_HEADERS } from '../../shared/http/security-headers';

/** API Gateway's own payload limit; the handlers enforce a much smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const functionsDir = join(__dirname, '..', '..', 'functions');
const loaded = new Map<string, Promise<LambdaHandler>>();

export function loadHandler(handler: string): Promise<LambdaHandler> {
  let module = loaded.get(handler);
  if (!module) {
    module = import(join(functionsDir, handler)).then((m: { handler: LambdaHandler }) => m.handler);
    loaded.set(handler, module);
  }
  return module;
}

/** What serves the routes: by default the route table's handlers, loaded into this process. */
export interface GatewayBackend {
  match: RouteMatcher;
  invoke(route: MatchedRoute, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
}

const inProcess: GatewayBackend = {
  match: matchRoute,
  invoke: async (route, event) => (await loadHandler(route.handler))(event, lambdaContext(route.handler.replace(/\//g, '-'))),
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY) {
        reject(new PayloadTooLarge(ErrorCode.payloadTooLarge, 'The request body is larger than 10 MB'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  result: { statusCode?: number; headers?: Record<string, unknown>; cookies?: string[]; body?: string; isBase64Encoded?: boolean },
) {
  // Payload format 2.0: API Gateway sends each of `cookies` as a Set-Cookie header of its own.
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
}

async function handle(req: IncomingMessage, res: ServerResponse, backend: GatewayBackend): Promise<void> {
  // The set CloudFront's response-headers policy adds in AWS, on the page and the API alike.
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = backend.match(method, path);
  if (route === undefined && (method === 'GET' || method === 'HEAD') && (await serveStatic(path, res))) return;
  if (route === undefined || route === 'method') {
    const error =
      route === 'method'
        ? new MethodNotAllowed(ErrorCode.methodNotAllowed, `${method} is not allowed on ${path}`)
        : new NotFound(`No route for ${method} ${path}`);
    return send(res, errorResponse(path.startsWith('/management/') ? 'zitadel' : 'problem', error, path));
  }
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    return send(res, { ...errorResponse('problem', error, path), headers: { ...errorResponse('problem', error).headers, connection: 'close' } });
  }
  const event = toApiEvent(
    { method, url: req.url ?? '/', headers: req.headers, body, sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') },
    route,
  );
  send(res, await backend.invoke(route, event));
}

export async function startGateway(port: number, host = '127.0.0.1', backend = inProcess): Promise<{ server: Server; url: string }> {
  await reservePort(port, 'the local API, set PORT', host);
  const server = createServer((req, res) => {
    handle(req, res, backend).catch((error) => {
      console.error('local gateway error', error);
      if (!res.headersSent) send(res, errorResponse('problem', error));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const actual = (server.address() as { port: number }).port;
  return { server, url: `http://${host}:${actual}` };
}

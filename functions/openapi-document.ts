/** OpenAPI 3.1, generated from the route table and its zod schemas (JSON Schema 2020-12). */
import * as z from 'zod/mini';
import { routeEntries, splitRouteKey, dialectOf, type Route } from './routes';

const jsonSchema = (schema: z.ZodMiniType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function parameters(route: Route) {
  const list: Array<Record<string, unknown>> = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      list.push({ name, in: where, required: where === 'path' || !!object.required?.includes(name), schema: property });
    }
  }
  return list;
}

const problem = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
};
const zitadelError = {
  type: 'object',
  properties: { code: { type: 'integer' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'object' } } },
};

/** Connect's error JSON; gRPC-web answers 200 with the status in a trailer frame instead. */
const connectError = {
  type: 'object',
  properties: { code: { type: 'string', examples: ['invalid_argument', 'not_found', 'already_exists'] }, message: { type: 'string' } },
  required: ['code'],
};
const rpcForms = ['application/grpc-web+proto', 'application/grpc-web-text', 'application/proto'];

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, route] of routeEntries()) {
    const { method, path } = splitRouteKey(key);
    const status = String(route.status ?? 200);
    const dialect = dialectOf(key);
    const errorBody =
      dialect === 'grpc'
        ? { 'application/json': { schema: connectError } }
        : dialect === 'zitadel'
          ? { 'application/json': { schema: zitadelError } }
          : { 'application/problem+json': { schema: problem } };
    // RPC routes: the schema is the message's proto3 JSON (Connect); the Protobuf forms carry the same message.
    const bodyTypes = (schema: Record<string, unknown>) => ({
      'application/json': { schema },
      ...(dialect === 'grpc' && Object.fromEntries(rpcForms.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))),
    });
    (paths[path] ??= {})[method.toLowerCase()] = {
      operationId: route.handler.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
      summary: route.summary,
      tags: [route.tag],
      ...(route.access !== 'public' && { security: [{ bearer: [] }] }),
      'x-access': route.access,
      parameters: parameters(route),
      ...(route.body && { requestBody: { required: true, content: bodyTypes(jsonSchema(route.body)) } }),
      responses: {
        [status]: { description: status === '204' ? 'No Content' : 'Success' },
        '4XX': { description: 'The request was refused; the body says why', content: errorBody },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Two-factor authentication service', version: '1.0.0' },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}

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

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, route] of routeEntries()) {
    const { method, path } = splitRouteKey(key);
    const status = String(route.status ?? 200);
    const errorBody =
      dialectOf(key) === 'zitadel'
        ? { 'application/json': { schema: zitadelError } }
        : { 'application/problem+json': { schema: problem } };
    (paths[path] ??= {})[method.toLowerCase()] = {
      operationId: route.handler.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
      summary: route.summary,
      tags: [route.tag],
      ...(route.access !== 'public' && { security: [{ bearer: [] }] }),
      'x-access': route.access,
      parameters: parameters(route),
      ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
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

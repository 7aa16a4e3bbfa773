/**
 * Reading an API Gateway v2 event into validated values: content type, size limit, JSON, and zod
 * schemas. Every failure is a 4xx that says what is wrong.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ZodMiniType } from 'zod/mini';
import { BadRequest, ErrorCode, PayloadTooLarge, UnsupportedMediaType, validationError } from '../errors';

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // API Gateway v2 lower-cases header names; the local gateway does the same.
  return event.headers?.[name.toLowerCase()];
}

/**
 * JSON, or curl's default for `-d` (form-urlencoded), which the seeds' own examples send: the body
 * must still parse as JSON. Bearer tokens (not cookies) authorise requests, so accepting a
 * CORS-simple content type opens no cross-site request forgery.
 */
const acceptsJson = (contentType: string) =>
  /^application\/(([\w.+-]+\+)?json|x-www-form-urlencoded)\s*(;|$)/i.test(contentType);

/**
 * The JSON body of a request, or `undefined` when the route takes none (whatever was sent is then
 * ignored: the seed's own curl examples send `-d "{ [...] }"` to body-less routes).
 */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes: number, takesBody: boolean): unknown {
  const raw = event.body ?? '';
  const size = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
  if (size > maxBytes) {
    throw new PayloadTooLarge(ErrorCode.payloadTooLarge, `The request body is larger than ${maxBytes} bytes`);
  }
  const contentType = header(event, 'content-type');
  if (contentType && /^application\/grpc/i.test(contentType)) {
    throw new UnsupportedMediaType(
      ErrorCode.unsupportedMediaType,
      `${contentType.split(';')[0]} is not served here: send application/json, or call Zitadel's methods over gRPC-web or Connect at /zitadel.management.v1.ManagementService/<Method>`,
    );
  }
  if (!takesBody) return undefined;
  // API Gateway base64-encodes every body whose type it does not count as text (form-urlencoded too).
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (text.trim() === '') return {};
  if (contentType && !acceptsJson(contentType)) {
    throw new UnsupportedMediaType(ErrorCode.unsupportedMediaType, `Content-Type must be application/json, not ${contentType.split(';')[0]}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest(ErrorCode.invalidJson, 'The request body is not valid JSON');
  }
}

export function validate<T>(schema: ZodMiniType<T> | undefined, value: unknown, where: 'body' | 'path' | 'query'): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    })),
  );
}

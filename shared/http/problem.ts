/**
 * The two error dialects. Only AppErrors below 500 reach the client with their message; anything
 * else becomes a generic 500 whose cause is logged, never serialised.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, ErrorCode } from '../errors';

export type ErrorDialect = 'problem' | 'zitadel';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** gRPC status codes, as Zitadel's HTTP gateway reports them. */
export const grpcCodes: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  409: 6, // ALREADY_EXISTS
  413: 3,
  415: 3,
  422: 3,
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  502: 14, // UNAVAILABLE
  503: 14, // UNAVAILABLE
};

interface PublicError {
  status: number;
  code: ErrorCode;
  message: string;
  issues?: AppError['issues'];
  headers: Record<string, string>;
}

export function publicError(error: unknown): PublicError {
  if (error instanceof AppError && error.status < 500) {
    return { status: error.status, code: error.code, message: error.message, issues: error.issues, headers: error.headers };
  }
  if (error instanceof AppError && (error.status === 502 || error.status === 503)) {
    // Dependency failures: the client may retry, so it gets the code and Retry-After (never the cause).
    return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  }
  return { status: 500, code: ErrorCode.internal, message: 'An unexpected error occurred', headers: {} };
}

export function errorResponse(dialect: ErrorDialect, error: unknown, instance?: string): APIGatewayProxyStructuredResultV2 {
  const e = publicError(error);
  const body =
    dialect === 'zitadel'
      ? {
          code: grpcCodes[e.status] ?? 2,
          message: e.message,
          details: e.issues?.length
            ? [
                {
                  '@type': 'type.googleapis.com/google.rpc.BadRequest',
                  fieldViolations: e.issues.map((i) => ({ field: i.path, description: i.message })),
                },
              ]
            : [],
        }
      : {
          type: `urn:twofactor:problem:${e.code}`,
          title: titles[e.status] ?? 'Error',
          status: e.status,
          detail: e.message,
          code: e.code,
          ...(instance && { instance }),
          ...(e.issues && { errors: e.issues }),
        };
  return {
    statusCode: e.status,
    headers: {
      'content-type': dialect === 'zitadel' ? 'application/json' : 'application/problem+json',
      'cache-control': 'no-store',
      ...(e.status === 401 && { 'www-authenticate': 'Bearer' }),
      ...e.headers,
    },
    body: JSON.stringify(body),
  };
}

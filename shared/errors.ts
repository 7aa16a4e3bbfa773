/**
 * The one error hierarchy. Domain code throws these; one middleware per API dialect turns them into
 * responses. Only errors below 500 expose their message; `cause` is logged, never serialised.
 */

/** Frozen catalogue of machine-readable codes. Clients switch on these: never rename one. */
export const ErrorCode = Object.freeze({
  invalidRequest: 'invalid_request',
  invalidJson: 'invalid_json',
  validationFailed: 'validation_failed',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  unauthenticated: 'unauthenticated',
  invalidToken: 'invalid_token',
  invalidCredentials: 'invalid_credentials',
  forbidden: 'forbidden',
  twoFactorRequired: 'two_factor_required',
  recentAuthRequired: 'recent_auth_required',
  alreadyExists: 'already_exists',
  conflict: 'conflict',
  invalidRefreshToken: 'invalid_refresh_token',
  invalidCode: 'invalid_code',
  invalidSecret: 'invalid_secret',
  invalidPhone: 'invalid_phone',
  methodNotAllowedByPolicy: 'method_not_allowed_by_policy',
  policyRequiresMethod: 'policy_requires_method',
  twoFactorForced: 'two_factor_forced',
  tooManyRequests: 'too_many_requests',
  smsDeliveryFailed: 'sms_delivery_failed',
  emailDeliveryFailed: 'email_delivery_failed',
  weakPassword: 'weak_password',
  accountDeactivated: 'account_deactivated',
  invitationPending: 'invitation_pending',
  lastAdmin: 'last_admin',
  invalidLink: 'invalid_link',
  /** Passkey sign-in: the org's policy does not allow passwordless sign-in. */
  passwordlessNotAllowed: 'passwordless_not_allowed',
  /** Passkey sign-in with a key registered as a second factor only. */
  notAPasskey: 'not_a_passkey',
  /** Passkey sign-in whose authenticator did not verify the user (no UV flag). */
  userVerificationRequired: 'user_verification_required',
  /** A dependency (the table, KMS, SNS) did not answer within the request's budget: retry after Retry-After. */
  unavailable: 'unavailable',
  internal: 'internal_error',
} as const);
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  readonly code: ErrorCode;
  readonly issues?: FieldIssue[];
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string> = {};

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; issues?: FieldIssue[] }) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    this.code = code;
    this.issues = options?.issues;
  }
}

export class BadRequest extends AppError {
  readonly status = 400;
}
export class Unauthenticated extends AppError {
  readonly status = 401;
  constructor(message = 'A valid bearer token is required', code: ErrorCode = ErrorCode.unauthenticated) {
    super(code, message);
  }
}
export class Forbidden extends AppError {
  readonly status = 403;
  constructor(message = 'You may not do this', code: ErrorCode = ErrorCode.forbidden) {
    super(code, message);
  }
}
export class NotFound extends AppError {
  readonly status = 404;
  constructor(message = 'Not found', code: ErrorCode = ErrorCode.notFound) {
    super(code, message);
  }
}
export class MethodNotAllowed extends AppError {
  readonly status = 405;
}
export class Conflict extends AppError {
  readonly status = 409;
  constructor(message: string, code: ErrorCode = ErrorCode.conflict) {
    super(code, message);
  }
}
export class PayloadTooLarge extends AppError {
  readonly status = 413;
}
export class UnsupportedMediaType extends AppError {
  readonly status = 415;
}
export class Unprocessable extends AppError {
  readonly status = 422;
}
export class TooManyRequests extends AppError {
  readonly status = 429;
  constructor(retryAfterSeconds: number, message = 'Too many requests; retry later', code: ErrorCode = ErrorCode.tooManyRequests) {
    super(code, message);
    this.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
export class BadGateway extends AppError {
  readonly status = 502;
}
/**
 * A dependency was throttled, failed or did not answer within the request's budget, and retries did
 * not help: 503 with Retry-After (gRPC 14 UNAVAILABLE). Safe to retry; the message says no more.
 */
export class Unavailable extends AppError {
  readonly status = 503;
  constructor(
    message = 'The service is briefly unavailable; retry after the time in Retry-After',
    options: { retryAfterSeconds?: number; code?: ErrorCode; cause?: unknown } = {},
  ) {
    super(options.code ?? ErrorCode.unavailable, message, { cause: options.cause });
    this.headers['Retry-After'] = String(Math.max(1, Math.ceil(options.retryAfterSeconds ?? 1)));
  }
}

/** A request that failed schema validation: 400 with every issue named. */
export function validationError(issues: FieldIssue[]): BadRequest {
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new BadRequest(ErrorCode.validationFailed, `Invalid request: ${summary}`, { issues });
}

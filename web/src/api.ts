/**
 * The API client: one fetch wrapper (JSON, the bearer token, problem details turned into ApiError),
 * the session's token refresh, and one function per route the page calls. Routes are named by their
 * key in functions/routes.ts, and bodies and answers are typed by the API's own schemas
 * (functions/schemas.ts, functions/response-schemas.ts), so a change there fails the page's type
 * check. All are imported as types only: no zod, nor any server code, reaches the page's bundle.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import type * as z from 'zod/mini';
import type { RouteKey } from '../../functions/routes';
import type {
  AuthenticateResponse,
  EmailCodeSentResponse,
  EnableTwoFactorResponse,
  KeyRegisteredResponse,
  LoginResponse,
  PasskeySignInResponse,
  Problem,
  QrResponse,
  RecoveryCodesResponse,
  RecoveryCountResponse,
  ResetFinishedResponse,
  ResetPendingResponse,
  SecurityKey as SecurityKeySchema,
  SecurityKeysResponse,
  SessionsResponse,
  DevicesResponse,
  TokensResponse,
  TwoFactorSettingsResponse,
} from '../../functions/response-schemas';
import type {
  AcceptInvitationBody,
  ChangePasswordBody,
  CodeBody,
  EmailEnrolBody,
  EmailTokenBody,
  ForgotPasswordBody,
  LoginBody,
  ResetPasswordBody,
  TwoFactorPatchBody,
  VerifyKeyBody,
} from '../../functions/schemas';
import { saveSession, state } from './state';

export type Tokens = z.output<typeof TokensResponse>;
export type LoginAnswer = z.output<typeof LoginResponse>;
/** Password login's full tokens (no second factor needed, or one still to enrol). */
export type PasswordTokens = Extract<LoginAnswer, { accessToken: string }>;
export type Authenticated = z.output<typeof AuthenticateResponse>;
/** The second factor proved with a password reset's pending token: the new password is set. */
export type ResetFinished = z.output<typeof ResetFinishedResponse>;
export type SecurityKey = z.output<typeof SecurityKeySchema>;
export type RememberedDevice = z.output<typeof DevicesResponse>['data'][number];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** The request fields the server named as wrong (`body.phone`, ...). */
    readonly fields: readonly string[] = [],
  ) {
    super(detail);
  }
}

const SESSION_ENDED = 'Your session has ended. Please sign in again.';
/** The code of the error a request answers when the session ended under it. */
export const SESSION_ENDED_CODE = 'session_ended';

let sessionEnded: (message: string) => void = () => undefined;

/** What the page does when the server ends the session (a 401 that a refresh cannot cure). */
export function whenSessionEnds(listener: (message: string) => void): void {
  sessionEnded = listener;
}

interface RequestOptions {
  body?: unknown;
  token?: string;
  /** Values for the route's `{name}` path segments. */
  params?: Record<string, string>;
  /**
   * Send and accept cookies: only the remembered device's (HttpOnly, set by /2fa/authenticate, read
   * by login and the device routes). Every other request authorises with its bearer token alone.
   */
  cookies?: boolean;
}

/** A new password accepted, the second factor still to prove before it takes effect. */
export type ResetPending = z.output<typeof ResetPendingResponse>;
export type SessionInfo = z.output<typeof SessionsResponse>['sessions'][number];

async function request<T>(route: RouteKey, options: RequestOptions = {}): Promise<T> {
  const [method, template] = route.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ''));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: options.cookies ? 'same-origin' : 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    // Whatever answered (a proxy, say) may not speak problem details: every field is a maybe.
    const problem = (parsed ?? {}) as Partial<z.output<typeof Problem>>;
    let detail = problem.detail ?? problem.title ?? `The request failed (HTTP ${response.status}).`;
    const retryAfter = response.headers.get('retry-after');
    if (response.status === 429 && retryAfter) detail += ` Try again in ${retryAfter} seconds.`;
    const fields = Array.isArray(problem.errors) ? problem.errors.map((e) => e.path) : [];
    throw new ApiError(response.status, problem.code ?? 'error', detail, fields);
  }
  return parsed as T;
}

let refreshing: Promise<boolean> | null = null;

/** Rotates the refresh token once (concurrent callers share the attempt). */
function refresh(): Promise<boolean> {
  const current = state.session;
  if (!current) return Promise.resolve(false);
  refreshing ??= request<Tokens>('POST /api/auth/refresh', { body: { refreshToken: current.refreshToken } })
    .then((tokens) => {
      saveSession({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** A request with the current token: the session's (refreshed once on a 401) or the pending login's. */
async function call<T>(route: RouteKey, options: Omit<RequestOptions, 'token'> = {}): Promise<T> {
  const token = state.session?.accessToken ?? state.pending?.token;
  try {
    return await request<T>(route, { ...options, token });
  } catch (error) {
    // A wrong password (changing it) is the answer, not the session ending.
    if (!(error instanceof ApiError) || error.status !== 401 || error.code === 'invalid_credentials') throw error;
    if (state.session && (await refresh())) return request<T>(route, { ...options, token: state.session?.accessToken });
    if (state.session || state.pending) sessionEnded(SESSION_ENDED);
    throw new ApiError(401, SESSION_ENDED_CODE, SESSION_ENDED);
  }
}

// The routes the page calls.
export const login = (body: z.input<typeof LoginBody>) => request<LoginAnswer>('POST /api/auth/login', { body, cookies: true });
// Passkey sign-in (public: the assertion is the credential)
export const passkeyOptions = () => request<PublicKeyCredentialRequestOptionsJSON>('POST /api/auth/passkey/options');
export const passkeySignIn = (response: AuthenticationResponseJSON) =>
  request<z.output<typeof PasskeySignInResponse>>('POST /api/auth/passkey', { body: { response } });
/** Revokes the session server-side. */
export const logout = (token: string) => request<void>('POST /api/auth/logout', { token });

// Finishing a login (with the pending token)
export const authenticate = (proof: (z.input<typeof CodeBody> | { webauthn: AuthenticationResponseJSON }) & { rememberDevice?: boolean }) =>
  call<Authenticated | ResetFinished>('POST /2fa/authenticate', { body: proof, cookies: true });
export const keyLoginOptions = () => call<PublicKeyCredentialRequestOptionsJSON>('POST /2fa/webauthn/options');
export const sendSmsCode = () => call<void>('POST /api/two-factor/send-verification');
export const sendEmailCode = () => call<z.output<typeof EmailCodeSentResponse>>('POST /api/two-factor/email/send');
export const enrolEmailCodes = (body: z.input<typeof EmailEnrolBody>) => call<z.output<typeof EmailCodeSentResponse>>('POST /api/two-factor/email', { body });
export const verifyCode = (body: z.input<typeof VerifyKeyBody>) => call<Partial<Tokens> | undefined>('POST /api/two-factor/verify', { body });

// The account
export const twoFactorSettings = async () => (await call<z.output<typeof TwoFactorSettingsResponse>>('GET /api/two-factor')).data;
export const securityKeys = async () => (await call<z.output<typeof SecurityKeysResponse>>('GET /api/two-factor/webauthn')).data;
export const recoveryCodesLeft = async () => (await call<z.output<typeof RecoveryCountResponse>>('GET /api/two-factor/recovery-codes')).data.remaining;

// Enrolment (also with a pending token, where 2FA is forced: finishing it then signs in)
export const startTotp = () => call<z.output<typeof QrResponse>>('GET /2fa/generate-qr');
export const enableTotp = (body: z.input<typeof CodeBody>) => call<z.output<typeof EnableTwoFactorResponse>>('POST /2fa/enable-two-factor-auth', { body });
/** `passkey`: a resident key with user verification, usable for passkey sign-in. */
export const keyRegistrationOptions = (options: { passkey?: boolean } = {}) =>
  call<PublicKeyCredentialCreationOptionsJSON>('POST /api/two-factor/webauthn/register/options', { body: options });
export const registerKey = (response: RegistrationResponseJSON, name: string) =>
  call<z.output<typeof KeyRegisteredResponse>>('POST /api/two-factor/webauthn/register', { body: { response, name } });
export const removeKey = (id: string) => call<void>('DELETE /api/two-factor/webauthn/{id}', { params: { id } });
// A phone for text messages (SMS): set the number, text it a code, confirm with the code; remove it
export const setPhone = (phone: { phone_prefix: string; phone: string }) =>
  call<void>('PATCH /api/two-factor', { body: { method: 'sms', ...phone } satisfies z.input<typeof TwoFactorPatchBody> });
export const confirmPhone = (body: z.input<typeof VerifyKeyBody>) => call<Partial<Tokens> | undefined>('POST /api/two-factor/verify', { body });
export const removePhone = () => call<void>('DELETE /api/two-factor/sms');
export const generateRecoveryCodes = async () => (await call<z.output<typeof RecoveryCodesResponse>>('POST /api/two-factor/recovery-codes', { body: {} })).data.codes;

// Links from emails and a forgotten password (public: the token in the link is the credential)
export const acceptInvitation = (body: z.input<typeof AcceptInvitationBody>) => request<LoginAnswer>('POST /api/auth/invitation/accept', { body });
export const forgotPassword = (body: z.input<typeof ForgotPasswordBody>) => request<void>('POST /api/auth/password/forgot', { body });
/** Nothing (204) where the account has no second factor: the password is set. */
export const resetPassword = (body: z.input<typeof ResetPasswordBody>) => request<ResetPending | undefined>('POST /api/auth/password/reset', { body });
export const verifyEmail = (body: z.input<typeof EmailTokenBody>) => request<unknown>('POST /api/users/email/verify', { body });

// The account's password and sessions
export const changePassword = (body: z.input<typeof ChangePasswordBody>) => call<void>('POST /api/auth/password', { body });
export const sessions = async () => (await call<z.output<typeof SessionsResponse>>('GET /api/auth/sessions')).sessions;
export const endSession = (sid: string) => call<void>('DELETE /api/auth/sessions/{sid}', { params: { sid } });
export const endOtherSessions = () => call<void>('DELETE /api/auth/sessions');

// Remembered devices (the cookie tells which is this browser's; forgetting it clears the cookie)
export const devices = async () => (await call<z.output<typeof DevicesResponse>>('GET /api/two-factor/devices', { cookies: true })).data;
export const forgetDevice = (id: string) => call<void>('DELETE /api/two-factor/devices/{id}', { params: { id }, cookies: true });

/**
 * The self-service security page: sign in (password, then a second factor), see the account's second
 * factors, set up an authenticator app, add and remove security keys, make recovery codes, sign out.
 * Plain DOM, no framework. Tokens live in memory and sessionStorage (this tab) only.
 */
import {
  WebAuthnError,
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

// ---------------------------------------------------------------------------------------------
// Types of the API's answers (the contract in functions/routes.ts)

interface Tokens {
  accessToken: string;
  refreshToken: string;
  twoFactorSetupRequired?: boolean;
  enrolBy?: string;
  recoveryCodesRemaining?: number;
}

interface PendingLogin {
  twoFactorRequired: true;
  pendingToken: string;
  methods: string[];
  twoFactorSetupRequired?: boolean;
}

type LoginAnswer = Tokens | PendingLogin;

interface TwoFactorSettings {
  method: 'google' | 'sms' | 'u2f' | null;
  secret_key: string | null;
  phone_prefix: number | null;
  phone: string | null;
  verified: boolean;
}

interface SecurityKey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

// ---------------------------------------------------------------------------------------------
// State

const STORE_KEY = 'twofactor.session';

interface Session {
  accessToken: string;
  refreshToken: string;
}

interface Pending {
  token: string;
  methods: string[];
  /** Forced 2FA, nothing enrolled yet: the pending token may enrol a factor, which signs the user in. */
  setupRequired: boolean;
}

let session: Session | null = readSession();
let pending: Pending | null = null;
let recoveryRemaining = 0;
let shownCodes: string[] = [];

function readSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORE_KEY);
    const value = raw ? (JSON.parse(raw) as Partial<Session>) : null;
    return value?.accessToken && value.refreshToken ? { accessToken: value.accessToken, refreshToken: value.refreshToken } : null;
  } catch {
    return null;
  }
}

function saveSession(next: Session | null): void {
  session = next;
  try {
    if (next) sessionStorage.setItem(STORE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORE_KEY);
  } catch {
    // Storage unavailable (private mode): memory only.
  }
}

// ---------------------------------------------------------------------------------------------
// DOM helpers

function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const show = (node: HTMLElement, visible = true) => {
  node.hidden = !visible;
};

const statusRegion = () => el('status');
let statusTimer: number | undefined;

/** Announces a message in the live region (repeating an identical message re-announces it). */
function setStatus(message: string, kind: 'info' | 'success' | 'error' = 'info'): void {
  const region = statusRegion();
  window.clearTimeout(statusTimer);
  region.className = `status ${kind}`;
  if (region.textContent === message) {
    region.textContent = '';
    statusTimer = window.setTimeout(() => {
      region.textContent = message;
    }, 100);
  } else {
    region.textContent = message;
  }
}

function clearStatus(): void {
  window.clearTimeout(statusTimer);
  statusRegion().textContent = '';
  statusRegion().className = 'status';
}

function focus(node: HTMLElement): void {
  node.focus();
  node.scrollIntoView({ block: 'nearest' });
}

function markInvalid(input: HTMLInputElement, invalid: boolean): void {
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** A refused code: mark the field and select it for retyping (not when the session itself ended). */
function refusedCode(input: HTMLInputElement, error: unknown): unknown {
  if (error instanceof ApiError && error.status !== 401) {
    markInvalid(input, true);
    input.select();
    focus(input);
  }
  return error;
}

type View = 'login' | 'second-factor' | 'account';

function showView(view: View, options: { focus?: boolean } = {}): void {
  for (const name of ['login', 'second-factor', 'account'] as const) show(el(`${name}-view`), name === view);
  show(el('logout'), session !== null || pending !== null);
  if (options.focus !== false) focus(el(`${view === 'second-factor' ? 'second-factor' : view}-heading`));
}

/** Runs an action with its button disabled (and marked busy), reporting any error in the status region. */
async function busy(button: HTMLButtonElement | null, action: () => Promise<void>): Promise<void> {
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    await action();
  } catch (error) {
    reportError(error);
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}

function reportError(error: unknown): void {
  if (error instanceof ApiError) {
    setStatus(
      error.code === 'recent_auth_required' ? `${error.detail} Sign out, then sign in again with your second factor and try again.` : error.detail,
      'error',
    );
  } else if (error instanceof Error && (error instanceof WebAuthnError || /^(NotAllowed|Abort|InvalidState|Security|NotSupported)Error$/.test(error.name))) {
    setStatus(webAuthnMessage(error), 'error');
  } else {
    setStatus(error instanceof Error ? error.message : 'Something went wrong. Try again.', 'error');
  }
}

/** What a failed browser WebAuthn call means to the user. */
function webAuthnMessage(error: Error): string {
  const code = error instanceof WebAuthnError ? error.code : undefined;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || error.name === 'InvalidStateError') {
    return 'This security key is already registered to your account.';
  }
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || error.name === 'SecurityError') {
    return `Security keys cannot be used at ${location.origin}. Open this page at the service’s own address (for a local server, http://localhost:<port> rather than 127.0.0.1).`;
  }
  if (code === 'ERROR_CEREMONY_ABORTED' || error.name === 'NotAllowedError' || error.name === 'AbortError') {
    return 'The security key request was cancelled or timed out. Try again.';
  }
  return `Your security key could not be used: ${error.message}`;
}

// ---------------------------------------------------------------------------------------------
// API client

async function request<T>(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
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
    const problem = (parsed ?? {}) as Problem;
    let detail = problem.detail ?? problem.title ?? `The request failed (HTTP ${response.status}).`;
    const retryAfter = response.headers.get('retry-after');
    if (response.status === 429 && retryAfter) detail += ` Try again in ${retryAfter} seconds.`;
    throw new ApiError(response.status, problem.code ?? 'error', detail);
  }
  return parsed as T;
}

let refreshing: Promise<boolean> | null = null;

/** Rotates the refresh token once (concurrent callers share the attempt). */
function refresh(): Promise<boolean> {
  const current = session;
  if (!current) return Promise.resolve(false);
  refreshing ??= request<Tokens>('POST', '/api/auth/refresh', { body: { refreshToken: current.refreshToken } })
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
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = session?.accessToken ?? pending?.token;
  try {
    return await request<T>(method, path, { body, token });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    if (session && (await refresh())) return request<T>(method, path, { body, token: session.accessToken });
    if (session || pending) endSession('Your session has ended. Please sign in again.');
    throw new ApiError(401, 'session_ended', 'Your session has ended. Please sign in again.');
  }
}

// ---------------------------------------------------------------------------------------------
// Sign in

const METHOD_NAMES: Record<string, string> = {
  google: 'Authenticator app',
  totp: 'Authenticator app',
  sms: 'SMS',
  u2f: 'Security key',
  webauthn: 'Security key',
  recovery: 'Recovery code',
};

const webAuthnSupported = () => browserSupportsWebAuthn();

async function onLogin(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const email = el<HTMLInputElement>('login-email');
  const password = el<HTMLInputElement>('login-password');
  markInvalid(email, !email.value.trim());
  markInvalid(password, !password.value);
  if (!email.value.trim() || !password.value) {
    setStatus('Enter your email and password.', 'error');
    focus(!email.value.trim() ? email : password);
    return;
  }
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Signing in…');
    const answer = await request<LoginAnswer>('POST', '/api/auth/login', { body: { email: email.value.trim(), password: password.value } });
    password.value = '';
    if ('accessToken' in answer) {
      await signedIn(answer);
      return;
    }
    pending = { token: answer.pendingToken, methods: answer.methods ?? [], setupRequired: answer.twoFactorSetupRequired === true || (answer.methods ?? []).length === 0 };
    if (pending.setupRequired) {
      await showAccount();
      setStatus('Password accepted. Set up a second factor to finish signing in.');
      return;
    }
    showSecondFactor();
  });
}

function showSecondFactor(): void {
  const methods = pending?.methods ?? [];
  const key = methods.includes('webauthn') && webAuthnSupported();
  const codeSources = [
    methods.includes('totp') && 'the 6-digit code from your authenticator app',
    methods.includes('sms') && 'the code we text you',
    'one of your recovery codes',
  ].filter(Boolean) as string[];
  el('second-factor-hint').textContent = key
    ? 'Finish signing in with your security key, or with a code.'
    : 'Finish signing in with a code.';
  el('login-code-help').textContent = `Enter ${codeSources.length > 1 ? `${codeSources.slice(0, -1).join(', ')} or ${codeSources.at(-1)}` : codeSources[0]}.`;
  el<HTMLInputElement>('login-code').inputMode = methods.includes('totp') || methods.includes('sms') ? 'numeric' : 'text';
  show(el('second-factor-key'), key);
  show(el('send-sms'), methods.includes('sms'));
  el<HTMLInputElement>('login-code').value = '';
  markInvalid(el<HTMLInputElement>('login-code'), false);
  setStatus('Password accepted. One more step.');
  showView('second-factor');
}

async function onCode(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('login-code');
  const code = input.value.replace(/\s+/g, '');
  markInvalid(input, !code);
  if (!code) {
    setStatus('Enter a code.', 'error');
    focus(input);
    return;
  }
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Checking the code…');
    try {
      const tokens = await call<Tokens>('POST', '/2fa/authenticate', { code });
      await signedIn(tokens);
    } catch (error) {
      throw refusedCode(input, error);
    }
  });
}

async function onUseKey(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    setStatus('Follow your browser’s prompt to use your security key.');
    const optionsJSON = await call<PublicKeyCredentialRequestOptionsJSON>('POST', '/2fa/webauthn/options');
    const assertion = await startAuthentication({ optionsJSON });
    const tokens = await call<Tokens>('POST', '/2fa/authenticate', { webauthn: assertion });
    await signedIn(tokens);
  });
}

async function onSendSms(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    await call<void>('POST', '/api/two-factor/send-verification');
    setStatus('We sent a code to your phone. It is valid for 5 minutes.', 'success');
    focus(el('login-code'));
  });
}

async function signedIn(tokens: Tokens): Promise<void> {
  saveSession({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  pending = null;
  await showAccount();
  const notes = ['You are signed in.'];
  if (tokens.twoFactorSetupRequired) {
    const by = tokens.enrolBy ? ` by ${formatDate(tokens.enrolBy)}` : '';
    notes.push(`Your organisation requires two-factor authentication: set up a second factor${by}.`);
  }
  if (typeof tokens.recoveryCodesRemaining === 'number') {
    notes.push(`You have ${tokens.recoveryCodesRemaining} recovery ${tokens.recoveryCodesRemaining === 1 ? 'code' : 'codes'} left: generate new ones soon.`);
  }
  setStatus(notes.join(' '), 'success');
}

function endSession(message?: string): void {
  saveSession(null);
  pending = null;
  hideRecoveryCodes();
  show(el('totp-setup'), false);
  el<HTMLFormElement>('login-form').reset();
  el<HTMLFormElement>('code-form').reset();
  showView('login');
  if (message) setStatus(message);
}

async function onLogout(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    const token = session?.accessToken;
    if (token) {
      // Revoke the session server-side; sign out locally whatever the answer.
      await request<void>('POST', '/api/auth/logout', { token }).catch(() => undefined);
    }
    endSession('You have signed out.');
  });
}

// ---------------------------------------------------------------------------------------------
// The account: second factors

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

async function showAccount(options: { focus?: boolean } = {}): Promise<void> {
  const enrolling = session === null && pending !== null;
  show(el('summary-keys-row'), !enrolling);
  show(el('summary-recovery-row'), !enrolling);
  show(el('recovery-section'), !enrolling);
  show(el('keys-list'), !enrolling);
  show(el('keys-empty'), false);
  el('account-heading').textContent = enrolling ? 'Set up a second factor' : 'Your second factors';
  const notice = el('setup-required');
  notice.textContent = enrolling ? 'Your organisation requires two-factor authentication. Set up one of these to finish signing in.' : '';
  show(notice, enrolling);
  const supported = webAuthnSupported();
  show(el('keys-unsupported'), !supported);
  show(el('key-form'), supported);
  showView('account', options);
  await loadAccount();
}

async function loadAccount(): Promise<void> {
  const enrolling = session === null;
  const [settings, keys, recovery] = await Promise.allSettled([
    call<{ data: TwoFactorSettings }>('GET', '/api/two-factor'),
    enrolling ? Promise.resolve({ data: [] as SecurityKey[] }) : call<{ data: SecurityKey[] }>('GET', '/api/two-factor/webauthn'),
    enrolling ? Promise.resolve({ data: { remaining: 0 } }) : call<{ data: { remaining: number } }>('GET', '/api/two-factor/recovery-codes'),
  ]);
  if (!session && !pending) return; // the session ended meanwhile
  const failed = [settings, keys, recovery].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const s = settings.status === 'fulfilled' ? settings.value.data : null;
  const list = keys.status === 'fulfilled' ? keys.value.data : null;
  recoveryRemaining = recovery.status === 'fulfilled' ? recovery.value.data.remaining : 0;

  const on = (s?.method != null && s.verified) || (list?.length ?? 0) > 0;
  el('summary-2fa').textContent = s === null ? 'Unknown' : on ? 'On' : 'Off';
  el('summary-method').textContent = s === null ? 'Unknown' : s.method ? `${METHOD_NAMES[s.method] ?? s.method}${s.verified ? '' : ' (set-up not finished)'}` : 'None';
  // The settings tell the authenticator app's state only while it is the preferred method.
  const totpOn = s?.method === 'google' && s.verified;
  el('totp-state').textContent = totpOn
    ? 'Your authenticator app is set up. Setting it up again replaces the old one.'
    : s?.secret_key != null
      ? 'You started setting up an authenticator app but did not finish. Start again to get a new QR code.'
      : 'Use an app such as Google Authenticator, 1Password or Aegis to make sign-in codes.';
  el('totp-start').textContent = totpOn ? 'Replace authenticator app' : 'Set up authenticator app';
  show(el('summary-sms-row'), Boolean(s?.phone));
  el('summary-sms').textContent = s?.phone ? `+${s.phone_prefix ?? ''} ${s.phone}` : '';
  el('summary-keys').textContent = list === null ? 'Unknown' : String(list.length);
  el('summary-recovery').textContent = recovery.status === 'fulfilled' ? String(recoveryRemaining) : 'Unknown';
  if (list !== null && !enrolling) renderKeys(list);
  if (failed) reportError(failed.reason);
}

function renderKeys(keys: SecurityKey[]): void {
  const list = el<HTMLUListElement>('keys-list');
  list.replaceChildren(
    ...keys.map((key) => {
      const item = document.createElement('li');
      const text = document.createElement('div');
      const name = document.createElement('strong');
      name.textContent = key.name;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = `Added ${formatDate(key.createdAt)} · ${key.lastUsedAt ? `last used ${formatDate(key.lastUsedAt)}` : 'never used to sign in'}`;
      text.append(name, meta);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'danger';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove security key ${key.name}`);
      remove.addEventListener('click', () => void onRemoveKey(remove, key));
      item.append(text, remove);
      return item;
    }),
  );
  show(list, keys.length > 0);
  show(el('keys-empty'), keys.length === 0);
}

// Authenticator app (TOTP)

async function onTotpStart(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    const { qrCode, link } = await call<{ qrCode: string; link: string }>('GET', '/2fa/generate-qr');
    const secret = new URL(link).searchParams.get('secret') ?? '';
    el<HTMLImageElement>('totp-qr').src = qrCode;
    // Groups of four are easier to type; apps ignore the spaces.
    el('totp-secret').textContent = secret.replace(/(.{4})(?=.)/g, '$1 ');
    el<HTMLAnchorElement>('totp-link').href = link;
    el<HTMLInputElement>('totp-code').value = '';
    markInvalid(el<HTMLInputElement>('totp-code'), false);
    show(el('totp-setup'));
    show(el('totp-start'), false);
    setStatus('Scan the QR code or enter the key in your authenticator app, then enter the code it shows.');
    focus(el('totp-heading'));
  });
}

async function onTotpConfirm(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('totp-code');
  const code = input.value.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) {
    markInvalid(input, true);
    setStatus('Enter the 6-digit code from your authenticator app.', 'error');
    focus(input);
    return;
  }
  markInvalid(input, false);
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Checking the code…');
    let answer: Partial<Tokens>;
    try {
      answer = await call<Partial<Tokens>>('POST', '/2fa/enable-two-factor-auth', { code });
    } catch (error) {
      throw refusedCode(input, error);
    }
    closeTotpSetup();
    if (answer.accessToken && answer.refreshToken) {
      await signedIn(answer as Tokens);
    } else {
      await loadAccount();
    }
    setStatus(
      `Your authenticator app is turned on.${recoveryRemaining === 0 ? ' Now generate recovery codes, so you can still sign in if you lose your phone.' : ''}`,
      'success',
    );
    focus(el('totp-heading'));
  });
}

function closeTotpSetup(): void {
  show(el('totp-setup'), false);
  show(el('totp-start'));
  el<HTMLImageElement>('totp-qr').removeAttribute('src');
  el('totp-secret').textContent = '';
  el<HTMLAnchorElement>('totp-link').removeAttribute('href');
  el<HTMLInputElement>('totp-code').value = '';
}

// Security keys (WebAuthn)

async function onAddKey(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const nameInput = el<HTMLInputElement>('key-name');
  const name = nameInput.value.trim() || 'Security key';
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Follow your browser’s prompt to create a key.');
    const optionsJSON = await call<PublicKeyCredentialCreationOptionsJSON>('POST', '/api/two-factor/webauthn/register/options');
    const response = await startRegistration({ optionsJSON });
    const answer = await call<{ data: SecurityKey } & Partial<Tokens>>('POST', '/api/two-factor/webauthn/register', { response, name });
    nameInput.value = '';
    if (answer.accessToken && answer.refreshToken) await signedIn(answer as Tokens);
    else await loadAccount();
    setStatus(`Security key “${answer.data.name}” added.`, 'success');
    focus(el('keys-heading'));
  });
}

async function onRemoveKey(button: HTMLButtonElement, key: SecurityKey): Promise<void> {
  if (!window.confirm(`Remove the security key “${key.name}”? You will no longer be able to sign in with it.`)) return;
  await busy(button, async () => {
    await call<void>('DELETE', `/api/two-factor/webauthn/${encodeURIComponent(key.id)}`);
    await loadAccount();
    setStatus(`Security key “${key.name}” removed.`, 'success');
    focus(el('keys-heading'));
  });
}

// Recovery codes

async function onGenerateRecovery(event: MouseEvent): Promise<void> {
  if (recoveryRemaining > 0 && !window.confirm(`New codes replace your ${recoveryRemaining} remaining recovery codes. Continue?`)) return;
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    const { data } = await call<{ data: { codes: string[] } }>('POST', '/api/two-factor/recovery-codes', {});
    shownCodes = data.codes;
    el('recovery-codes').replaceChildren(
      ...data.codes.map((code) => {
        const item = document.createElement('li');
        const text = document.createElement('code');
        text.textContent = code;
        item.append(text);
        return item;
      }),
    );
    show(el('recovery-output'));
    show(el('recovery-generate'), false);
    recoveryRemaining = data.codes.length;
    el('summary-recovery').textContent = String(recoveryRemaining);
    setStatus(`${data.codes.length} new recovery codes are shown below. Save them now: they will not be shown again.`, 'success');
    focus(el('recovery-heading'));
  });
}

async function onCopyRecovery(): Promise<void> {
  try {
    await navigator.clipboard.writeText(shownCodes.join('\n'));
    setStatus('Recovery codes copied.', 'success');
  } catch {
    setStatus('Copying is not available here: select the codes and copy them, or write them down.', 'error');
  }
}

function hideRecoveryCodes(): void {
  shownCodes = [];
  el('recovery-codes').replaceChildren();
  show(el('recovery-output'), false);
  show(el('recovery-generate'));
}

// ---------------------------------------------------------------------------------------------
// Wiring

function start(): void {
  el<HTMLFormElement>('login-form').addEventListener('submit', (e) => void onLogin(e));
  el<HTMLFormElement>('code-form').addEventListener('submit', (e) => void onCode(e));
  el('use-key').addEventListener('click', (e) => void onUseKey(e));
  el('send-sms').addEventListener('click', (e) => void onSendSms(e));
  el('cancel-login').addEventListener('click', () => {
    pending = null;
    clearStatus();
    showView('login');
  });
  el('logout').addEventListener('click', (e) => void onLogout(e));
  el('totp-start').addEventListener('click', (e) => void onTotpStart(e));
  el<HTMLFormElement>('totp-form').addEventListener('submit', (e) => void onTotpConfirm(e));
  el('totp-cancel').addEventListener('click', () => {
    closeTotpSetup();
    clearStatus();
    focus(el('totp-start'));
  });
  el<HTMLFormElement>('key-form').addEventListener('submit', (e) => void onAddKey(e));
  el('recovery-generate').addEventListener('click', (e) => void onGenerateRecovery(e));
  el('recovery-copy').addEventListener('click', () => void onCopyRecovery());
  el('recovery-done').addEventListener('click', () => {
    hideRecoveryCodes();
    clearStatus();
    focus(el('recovery-heading'));
  });
  document.querySelectorAll('input').forEach((input) => input.addEventListener('input', () => markInvalid(input, false)));

  if (session) void showAccount({ focus: false }).catch(reportError);
  else showView('login', { focus: false });
  document.body.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

/**
 * The account screen: the summary of the user's second factors, the list of security keys (each
 * with its Remove button), of the user's sessions and of the remembered devices. Also the enrolment screen where 2FA is forced:
 * with only a pending token, the keys, recovery codes, password and sessions are hidden, since those
 * routes need a full session.
 */
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import * as api from '../api';
import { el, focus, formatDate, show } from '../dom';
import { methodName } from '../method-names';
import { state } from '../state';
import { busy, reportError, setStatus } from '../status';
import { showScreen } from './screens';
import { renderDevices } from './devices';
import { renderSessions } from './sessions';
import { renderSms } from './sms-card';

export async function showAccount(options: { focus?: boolean } = {}): Promise<void> {
  const enrolling = state.session === null && state.pending !== null;
  show(el('summary-keys-row'), !enrolling);
  show(el('summary-recovery-row'), !enrolling);
  show(el('recovery-section'), !enrolling);
  show(el('password-section'), !enrolling);
  show(el('sessions-section'), !enrolling);
  show(el('devices-section'), !enrolling);
  show(el('keys-list'), !enrolling);
  show(el('keys-empty'), false);
  el('account-heading').textContent = enrolling ? 'Set up a second factor' : 'Your second factors';
  const notice = el('setup-required');
  notice.textContent = enrolling ? 'Your organisation requires two-factor authentication. Set up one of these to finish signing in.' : '';
  show(notice, enrolling);
  const supported = browserSupportsWebAuthn();
  show(el('keys-unsupported'), !supported);
  show(el('key-form'), supported);
  showScreen('account', options);
  await loadAccount();
}

/** Reads the account's second factors and shows them; any failure is reported, the rest still shown. */
export async function loadAccount(): Promise<void> {
  const enrolling = state.session === null;
  const [settings, keys, recovery, sessions, devices] = await Promise.allSettled([
    api.twoFactorSettings(),
    enrolling ? Promise.resolve([]) : api.securityKeys(),
    enrolling ? Promise.resolve(0) : api.recoveryCodesLeft(),
    enrolling ? Promise.resolve([]) : api.sessions(),
    enrolling ? Promise.resolve([]) : api.devices(),
  ]);
  if (!state.session && !state.pending) return; // the session ended meanwhile
  const failed = [settings, keys, recovery, sessions, devices].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const s = settings.status === 'fulfilled' ? settings.value : null;
  const list = keys.status === 'fulfilled' ? keys.value : null;
  state.recoveryRemaining = recovery.status === 'fulfilled' ? recovery.value : 0;

  const on = (s?.method != null && s.verified) || (list?.length ?? 0) > 0;
  el('summary-2fa').textContent = s === null ? 'Unknown' : on ? 'On' : 'Off';
  el('summary-method').textContent = s === null ? 'Unknown' : s.method ? `${methodName(s.method)}${s.verified ? '' : ' (set-up not finished)'}` : 'None';
  // The settings tell the authenticator app's state only while it is the preferred method.
  const totpOn = s?.method === 'google' && s.verified;
  el('totp-state').textContent = totpOn
    ? 'Your authenticator app is set up. Setting it up again replaces the old one.'
    : s?.secret_key != null
      ? 'You started setting up an authenticator app but did not finish. Start again to get a new QR code.'
      : 'Use an app such as Google Authenticator, 1Password or Aegis to make sign-in codes.';
  el('totp-start').textContent = totpOn ? 'Replace authenticator app' : 'Set up authenticator app';
  show(el('summary-sms-row'), Boolean(s?.phone));
  el('summary-sms').textContent = s?.phone ? `+${s.phone_prefix ?? ''} ${s.phone}${s.methods.includes('sms') ? '' : ' (not confirmed)'}` : '';
  renderSms(s);
  const emailOn = s?.methods.includes('email') ?? false;
  show(el('summary-email-row'), emailOn);
  el('summary-email').textContent = emailOn ? 'On' : '';
  el('email-code-start').textContent = emailOn ? 'Use another address' : 'Email me a code';
  el('summary-keys').textContent = list === null ? 'Unknown' : String(list.length);
  el('summary-recovery').textContent = recovery.status === 'fulfilled' ? String(state.recoveryRemaining) : 'Unknown';
  if (list !== null && !enrolling) renderKeys(list);
  if (sessions.status === 'fulfilled' && !enrolling) renderSessions(sessions.value);
  if (devices.status === 'fulfilled' && !enrolling) renderDevices(devices.value);
  if (failed) reportError(failed.reason);
}

function renderKeys(keys: api.SecurityKey[]): void {
  const list = el<HTMLUListElement>('keys-list');
  list.replaceChildren(
    ...keys.map((key) => {
      const item = document.createElement('li');
      const text = document.createElement('div');
      const name = document.createElement('strong');
      name.textContent = key.name;
      const meta = document.createElement('span');
      meta.className = 'meta';
      const kind = key.passkey ? 'Passkey' : 'Security key';
      meta.textContent = `${kind} · added ${formatDate(key.createdAt)} · ${key.lastUsedAt ? `last used ${formatDate(key.lastUsedAt)}` : 'never used to sign in'}`;
      text.append(name, meta);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'danger';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove security key ${key.name}`);
      remove.addEventListener('click', () => void removeKey(remove, key));
      item.append(text, remove);
      return item;
    }),
  );
  show(list, keys.length > 0);
  show(el('keys-empty'), keys.length === 0);
}

async function removeKey(button: HTMLButtonElement, key: api.SecurityKey): Promise<void> {
  if (!window.confirm(`Remove the security key “${key.name}”? You will no longer be able to sign in with it.`)) return;
  await busy(button, async () => {
    await api.removeKey(key.id);
    await loadAccount();
    setStatus(`Security key “${key.name}” removed.`, 'success');
    focus(el('keys-heading'));
  });
}

/**
 * Entering and leaving a session: what the page shows once sign-in finishes (by a second factor, or
 * by enrolling one where 2FA is forced), when the user signs out, and when the server ends the session.
 */
import * as api from '../api';
import { el, formatDate, show } from '../dom';
import { saveSession, state } from '../state';
import { busy, setStatus } from '../status';
import { loadAccount, showAccount } from './account';
import { hideRecoveryCodes } from './recovery-codes';
import { showScreen } from './screens';
import { openSmsForm } from './sms-card';

/** Whichever route finished the login: the tokens, and what the user should hear about. */
type SignIn = Pick<api.Tokens, 'accessToken' | 'refreshToken'> &
  Partial<Pick<api.PasswordTokens, 'twoFactorSetupRequired' | 'enrolBy'> & Pick<api.Authenticated, 'recoveryCodesRemaining'>>;

export async function signedIn(tokens: SignIn): Promise<void> {
  saveSession({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  state.pending = null;
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

/** After a factor is enrolled: signed in if that finished a pending login, else the account re-read. */
export async function enrolled(answer: { accessToken?: string; refreshToken?: string }): Promise<void> {
  if (answer.accessToken && answer.refreshToken) await signedIn({ accessToken: answer.accessToken, refreshToken: answer.refreshToken });
  else await loadAccount();
}

export function endSession(message?: string, kind: 'info' | 'success' = 'info'): void {
  saveSession(null);
  state.pending = null;
  hideRecoveryCodes();
  show(el('totp-setup'), false);
  show(el('email-code-verify-form'), false);
  show(el('email-code-form'));
  openSmsForm(null);
  show(el('password-code-field'), false);
  // Nothing typed (a password, a code) outlives the session on screen.
  document.querySelectorAll('form').forEach((form) => form.reset());
  el('sessions-list').replaceChildren();
  showScreen('login');
  if (message) setStatus(message, kind);
}

export async function signOut(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    const token = state.session?.accessToken;
    if (token) {
      // Revoke the session server-side; sign out locally whatever the answer.
      await api.logout(token).catch(() => undefined);
    }
    endSession('You have signed out.');
  });
}

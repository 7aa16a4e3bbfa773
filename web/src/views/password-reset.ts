/**
 * A forgotten password: asking for a reset link by email, then (from `/?reset=<token>`) choosing the
 * new password, which takes effect only after the account's second factor where it has one.
 */
import * as api from '../api';
import { el, focus, markInvalid } from '../dom';
import { state } from '../state';
import { busy, clearStatus, setStatus } from '../status';
import { submitLinkPassword } from './link-password';
import { showScreen } from './screens';
import { showSecondFactor } from './second-factor';
import { endSession } from './session';

/** The reset link's token; it stays only as long as the page. */
let token = '';

/** "Forgot your password?": the email from the sign-in form carries over. */
export function startForgotPassword(): void {
  el<HTMLInputElement>('forgot-email').value = el<HTMLInputElement>('login-email').value.trim();
  clearStatus();
  showScreen('forgot');
}

export async function requestResetLink(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('forgot-email');
  const email = input.value.trim();
  markInvalid(input, !email);
  if (!email) {
    setStatus('Enter your email address.', 'error');
    focus(input);
    return;
  }
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Sending…');
    await api.forgotPassword({ email });
    // The server answers the same for any address (no account oracle), and so does the page.
    setStatus(`If ${email} has an account, we have emailed it a link to reset the password. The link works once, for 30 minutes.`, 'success');
  });
}

export function openReset(linkToken: string): void {
  token = linkToken;
  showScreen('reset', { focus: false });
}

export async function submitNewPassword(event: SubmitEvent): Promise<void> {
  const form = { input: 'reset-password', empty: 'Choose a new password.', sending: 'Setting your new password…' };
  await submitLinkPassword(event, form, (password) => api.resetPassword({ token, password }), (answer) => {
    token = '';
    if (answer?.twoFactorRequired) {
      state.pending = { token: answer.pendingToken, methods: answer.methods, setupRequired: false, purpose: 'reset' };
      showSecondFactor();
    } else {
      endSession('Your password has been reset. Sign in with your new password.', 'success');
    }
  });
}

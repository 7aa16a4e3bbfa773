/**
 * The sign-in screen: email and password. The answer (also the answer to accepting an invitation)
 * is full tokens, a second factor to prove, or (2FA forced, nothing enrolled) a factor to set up first.
 */
import * as api from '../api';
import { el, focus, markInvalid } from '../dom';
import { state } from '../state';
import { busy, setStatus } from '../status';
import { showAccount } from './account';
import { endPasskeyAutofill } from './passkey-sign-in';
import { showSecondFactor } from './second-factor';
import { signedIn } from './session';

export async function submitPassword(event: SubmitEvent): Promise<void> {
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
    const answer = await api.login({ email: email.value.trim(), password: password.value });
    password.value = '';
    await passwordAccepted(answer);
  });
}

/** Where a login goes once the password is accepted. */
export async function passwordAccepted(answer: api.LoginAnswer): Promise<void> {
  endPasskeyAutofill();
  if ('accessToken' in answer) {
    await signedIn(answer);
    return;
  }
  const { pendingToken: token, methods } = answer;
  state.pending = {
    token,
    methods,
    setupRequired: answer.twoFactorSetupRequired === true || methods.length === 0,
    purpose: 'login',
    rememberDeviceDays: answer.rememberDeviceDays,
  };
  if (state.pending.setupRequired) {
    await showAccount();
    setStatus('Password accepted. Set up a second factor to finish signing in.');
    return;
  }
  showSecondFactor();
}

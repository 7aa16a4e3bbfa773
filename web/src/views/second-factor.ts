/**
 * The second-factor screen, after the password: a code (authenticator app, SMS, recovery code) or a
 * security key finishes the login, or sets the new password from a reset link.
 */
import { browserSupportsWebAuthn, startAuthentication } from '@simplewebauthn/browser';
import * as api from '../api';
import { el, focus, markInvalid, show } from '../dom';
import { state } from '../state';
import { busy, clearStatus, enteredCode, refusedInput, setStatus } from '../status';
import { showScreen } from './screens';
import { endSession, signedIn } from './session';

export function showSecondFactor(): void {
  const methods = state.pending?.methods ?? [];
  const key = methods.includes('webauthn') && browserSupportsWebAuthn();
  const codeSources = [
    methods.includes('totp') && 'the 6-digit code from your authenticator app',
    methods.includes('sms') && 'the code we text you',
    methods.includes('email') && 'the code we email you',
    'one of your recovery codes',
  ].filter(Boolean) as string[];
  const finish = state.pending?.purpose === 'reset' ? 'Set your new password by confirming' : 'Finish signing in';
  el('second-factor-hint').textContent = key ? `${finish} with your security key, or with a code.` : `${finish} with a code.`;
  el('login-code-help').textContent = `Enter ${codeSources.length > 1 ? `${codeSources.slice(0, -1).join(', ')} or ${codeSources.at(-1)}` : codeSources[0]}.`;
  el<HTMLInputElement>('login-code').inputMode = methods.includes('totp') || methods.includes('sms') || methods.includes('email') ? 'numeric' : 'text';
  show(el('second-factor-key'), key);
  show(el('send-sms'), methods.includes('sms'));
  show(el('send-email-code'), methods.includes('email'));
  // The org lets this device skip the second step next time: offered, never ticked for the user.
  const days = state.pending?.purpose === 'login' ? state.pending.rememberDeviceDays : undefined;
  show(el('remember-device-field'), days !== undefined);
  el<HTMLInputElement>('remember-device').checked = false;
  if (days !== undefined) el('remember-device-label').textContent = `Remember this device for ${days} ${days === 1 ? 'day' : 'days'}`;
  el<HTMLInputElement>('login-code').value = '';
  markInvalid(el<HTMLInputElement>('login-code'), false);
  setStatus(state.pending?.purpose === 'reset' ? 'New password accepted. One more step: it takes effect once you confirm it’s you.' : 'Password accepted. One more step.');
  showScreen('second-factor');
}

export async function submitCode(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('login-code');
  const code = enteredCode(input, /./, 'Enter a code.');
  if (code === undefined) return;
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Checking the code…');
    try {
      await proved(await api.authenticate({ code, ...rememberDevice() }));
    } catch (error) {
      throw refusedInput(input, error);
    }
  });
}

export async function useSecurityKey(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    setStatus('Follow your browser’s prompt to use your security key.');
    const optionsJSON = await api.keyLoginOptions();
    const assertion = await startAuthentication({ optionsJSON });
    await proved(await api.authenticate({ webauthn: assertion, ...rememberDevice() }));
  });
}

/** `rememberDevice: true` where the box is offered and ticked: the answer then sets the device's cookie. */
const rememberDevice = () =>
  state.pending?.rememberDeviceDays !== undefined && el<HTMLInputElement>('remember-device').checked ? { rememberDevice: true } : {};

/** The second factor proved: signed in, or (a password reset) back to sign in with the new password. */
async function proved(answer: api.Authenticated | api.ResetFinished): Promise<void> {
  if ('accessToken' in answer) {
    await signedIn(answer);
  } else {
    endSession('Your password has been reset. Sign in with your new password.', 'success');
  }
}

export async function sendSmsCode(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    await api.sendSmsCode();
    setStatus('We sent a code to your phone. It is valid for 5 minutes.', 'success');
    focus(el('login-code'));
  });
}

/** "Cancel and start over": back to the password. */
export function cancelLogin(): void {
  state.pending = null;
  clearStatus();
  showScreen('login');
}

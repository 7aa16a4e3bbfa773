/** Codes by email: enrolling an address (a code sent to it, typed back), and "Email me a code" at sign-in. */
import * as api from '../api';
import { el, focus, markInvalid, show } from '../dom';
import { busy, clearStatus, enteredCode, refusedInput, setStatus, SIX_DIGITS } from '../status';
import { enrolled } from './session';

export async function startEmailCodes(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('email-code-address');
  const address = input.value.trim();
  if (address && !input.checkValidity()) {
    markInvalid(input, true);
    setStatus('Enter an email address, or leave the field empty to use your account’s email.', 'error');
    focus(input);
    return;
  }
  markInvalid(input, false);
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    let sent;
    try {
      sent = await api.enrolEmailCodes(address ? { email: address } : {});
    } catch (error) {
      throw refusedInput(input, error);
    }
    show(el('email-code-form'), false);
    show(el('email-code-verify-form'));
    el<HTMLInputElement>('email-code-code').value = '';
    setStatus(`We emailed a code to ${sent.sentTo}. It is valid for ${Math.round(sent.expiresIn / 60)} minutes.`, 'success');
    focus(el('email-code-code'));
  });
}

export async function confirmEmailCodes(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('email-code-code');
  const code = enteredCode(input, SIX_DIGITS, 'Enter the 6-digit code from the email.');
  if (code === undefined) return;
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Checking the code…');
    let answer;
    try {
      answer = await api.verifyCode({ key: code });
    } catch (error) {
      throw refusedInput(input, error);
    }
    closeEmailSetup();
    await enrolled(answer ?? {});
    setStatus('Codes by email are turned on.', 'success');
    focus(el('email-code-heading'));
  });
}

export function cancelEmailCodes(): void {
  closeEmailSetup();
  clearStatus();
  focus(el('email-code-start'));
}

function closeEmailSetup(): void {
  show(el('email-code-verify-form'), false);
  show(el('email-code-form'));
  el<HTMLInputElement>('email-code-code').value = '';
}

/** At sign-in: a code to the enrolled address. */
export async function sendLoginEmailCode(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    const sent = await api.sendEmailCode();
    setStatus(`We emailed a code to ${sent.sentTo}. It is valid for ${Math.round(sent.expiresIn / 60)} minutes.`, 'success');
    focus(el('login-code'));
  });
}

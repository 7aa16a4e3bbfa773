/**
 * A phone for text messages (SMS), on the account screen: add a number (country calling code and
 * national number; the server checks it is a mobile number with libphonenumber), confirm it with the
 * code texted to it, replace or remove it. Offered only where the org's policy allows SMS; a phone
 * the user already has stays removable whatever the policy says now. Also works while enrolling with
 * a pending token (2FA forced): confirming the phone then finishes signing in.
 */
import * as api from '../api';
import { el, focus, markInvalid } from '../dom';
import { state } from '../state';
import { busy, clearStatus, enteredCode, refusedInput, setStatus, SIX_DIGITS } from '../status';
import { loadAccount } from './account';
import { enrolled } from './session';
import { openSmsForm } from './sms-card';

const countryInput = () => el<HTMLInputElement>('sms-country');
const phoneInput = () => el<HTMLInputElement>('sms-phone');
const codeInput = () => el<HTMLInputElement>('sms-code');

/** "Add a phone": the number form. */
export function startSms(): void {
  clearStatus();
  openSmsForm('phone');
  focus(countryInput().value ? phoneInput() : countryInput());
}

/** Sets the number (unverified) and texts it a code. */
export async function submitPhone(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const prefix = countryInput().value.trim().replace(/^\+/, '');
  const phone = phoneInput().value.trim();
  markInvalid(countryInput(), !/^\d{1,4}$/.test(prefix));
  markInvalid(phoneInput(), !/^[\d ()-]{2,20}$/.test(phone));
  if (!/^\d{1,4}$/.test(prefix)) return refuseLocally(countryInput(), 'Enter the country calling code, for example +45.');
  if (!/^[\d ()-]{2,20}$/.test(phone)) return refuseLocally(phoneInput(), 'Enter the mobile number in digits, without the country code.');
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Sending a code…');
    try {
      await api.setPhone({ phone_prefix: prefix, phone });
    } catch (error) {
      // The server names the field it refused (an unknown country code, a number that is not a mobile's).
      const fields = error instanceof api.ApiError ? error.fields : [];
      throw refusedInput(fields.includes('body.phone_prefix') ? countryInput() : phoneInput(), error);
    }
    await sendCode();
  });
}

/** Texts a (new) code to the phone just set and asks for it. */
async function sendCode(): Promise<void> {
  await api.sendSmsCode();
  openSmsForm('code');
  codeInput().value = '';
  markInvalid(codeInput(), false);
  await loadAccount();
  setStatus('We texted you a code. It is valid for 5 minutes.', 'success');
  focus(codeInput());
}

/** "Text me a code to confirm it" (a phone whose set-up was not finished) and "Send a new code". */
export async function resendSmsCode(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, sendCode);
}

export async function confirmSmsCode(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = codeInput();
  const code = enteredCode(input, SIX_DIGITS, 'Enter the 6-digit code we texted you.');
  if (code === undefined) return;
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Checking the code…');
    let answer;
    try {
      answer = await api.confirmPhone({ key: code });
    } catch (error) {
      throw refusedInput(input, error);
    }
    openSmsForm(null);
    await enrolled(answer ?? {});
    setStatus(
      `Your phone is confirmed: sign-in codes can come by text message.${state.recoveryRemaining === 0 ? ' Now generate recovery codes, so you can still sign in if you lose your phone.' : ''}`,
      'success',
    );
    focus(el('sms-heading'));
  });
}

export async function removeSms(event: MouseEvent): Promise<void> {
  if (!window.confirm('Remove your phone? You will no longer get sign-in codes by text message.')) return;
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    await api.removePhone();
    openSmsForm(null);
    await loadAccount();
    setStatus('Your phone is removed.', 'success');
    focus(el('sms-heading'));
  });
}

export function cancelSms(): void {
  openSmsForm(null);
  clearStatus();
  focus(el('sms-heading'));
}

function refuseLocally(input: HTMLInputElement, message: string): void {
  setStatus(message, 'error');
  focus(input);
}

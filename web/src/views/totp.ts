/** Setting up an authenticator app (TOTP): a new secret as a QR code and key, confirmed by a code. */
import * as api from '../api';
import { el, focus, markInvalid, show } from '../dom';
import { state } from '../state';
import { busy, clearStatus, enteredCode, refusedInput, setStatus, SIX_DIGITS } from '../status';
import { enrolled } from './session';

export async function startTotp(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    const { qrCode, link } = await api.startTotp();
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

export async function confirmTotp(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('totp-code');
  const code = enteredCode(input, SIX_DIGITS, 'Enter the 6-digit code from your authenticator app.');
  if (code === undefined) return;
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Checking the code…');
    let answer;
    try {
      answer = await api.enableTotp({ code });
    } catch (error) {
      throw refusedInput(input, error);
    }
    closeTotpSetup();
    await enrolled(answer);
    setStatus(
      `Your authenticator app is turned on.${state.recoveryRemaining === 0 ? ' Now generate recovery codes, so you can still sign in if you lose your phone.' : ''}`,
      'success',
    );
    focus(el('totp-heading'));
  });
}

export function cancelTotp(): void {
  closeTotpSetup();
  clearStatus();
  focus(el('totp-start'));
}

function closeTotpSetup(): void {
  show(el('totp-setup'), false);
  show(el('totp-start'));
  el<HTMLImageElement>('totp-qr').removeAttribute('src');
  el('totp-secret').textContent = '';
  el<HTMLAnchorElement>('totp-link').removeAttribute('href');
  el<HTMLInputElement>('totp-code').value = '';
}

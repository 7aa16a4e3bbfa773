/** Adding a security key or passkey (the browser's WebAuthn registration). The list is in account.ts. */
import { startRegistration } from '@simplewebauthn/browser';
import * as api from '../api';
import { el, focus } from '../dom';
import { busy, setStatus } from '../status';
import { enrolled } from './session';

export async function addSecurityKey(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const nameInput = el<HTMLInputElement>('key-name');
  const name = nameInput.value.trim() || 'Security key';
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Follow your browser’s prompt to create a key.');
    const optionsJSON = await api.keyRegistrationOptions();
    const response = await startRegistration({ optionsJSON });
    const answer = await api.registerKey(response, name);
    nameInput.value = '';
    await enrolled(answer);
    setStatus(`Security key “${answer.data.name}” added.`, 'success');
    focus(el('keys-heading'));
  });
}

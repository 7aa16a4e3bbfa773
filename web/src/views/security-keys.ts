/** Adding a security key or a passkey (the browser's WebAuthn registration). The list is in account.ts. */
import { startRegistration } from '@simplewebauthn/browser';
import * as api from '../api';
import { el, focus } from '../dom';
import { busy, setStatus } from '../status';
import { enrolled } from './session';

/**
 * Registers a new key named from the form. A passkey (`passkey`) is asked to be discoverable and to
 * verify the user; where the authenticator did neither, the server keeps it as a second factor only,
 * and the user is told so.
 */
async function register(button: HTMLButtonElement | null, passkey: boolean): Promise<void> {
  const nameInput = el<HTMLInputElement>('key-name');
  const name = nameInput.value.trim() || (passkey ? 'Passkey' : 'Security key');
  await busy(button, async () => {
    setStatus(passkey ? 'Follow your browser’s prompt to create a passkey.' : 'Follow your browser’s prompt to create a key.');
    const optionsJSON = await api.keyRegistrationOptions({ passkey });
    const response = await startRegistration({ optionsJSON });
    const answer = await api.registerKey(response, name);
    nameInput.value = '';
    await enrolled(answer);
    if (!passkey) setStatus(`Security key “${answer.data.name}” added.`, 'success');
    else if (answer.data.passkey) setStatus(`Passkey “${answer.data.name}” added. You can now sign in with it alone.`, 'success');
    else setStatus(`“${answer.data.name}” added as a security key only: your authenticator did not confirm it’s you (PIN or fingerprint), so it cannot sign you in alone.`, 'info');
    focus(el('keys-heading'));
  });
}

export async function addSecurityKey(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  await register(event.submitter as HTMLButtonElement | null, false);
}

export async function addPasskey(event: MouseEvent): Promise<void> {
  await register(event.currentTarget as HTMLButtonElement, true);
}

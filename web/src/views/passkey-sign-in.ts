/**
 * Signing in with a passkey alone: conditional UI (the browser offers the user's passkeys in the
 * email field's autofill, `autocomplete="username webauthn"`), started when the page opens on the
 * sign-in screen, and the explicit "Sign in with a passkey" button, which cancels the waiting
 * autofill request (@simplewebauthn/browser aborts the previous ceremony) and asks at once. Not
 * restarted on signing out: the user just chose to leave, and an authenticator that answers
 * conditional requests by itself (Chromium's virtual one does) would sign straight back in.
 */
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnError } from '@simplewebauthn/browser';
import * as api from '../api';
import { el, show } from '../dom';
import { state } from '../state';
import { busy, reportError, setStatus } from '../status';
import { signedIn } from './session';

async function finish(assertion: Awaited<ReturnType<typeof startAuthentication>>): Promise<void> {
  setStatus('Checking your passkey…');
  await signedIn(await api.passkeySignIn(assertion));
}

/** A cancelled request (the button took over, the screen changed, the user dismissed it) is no error. */
const cancelled = (error: unknown) =>
  (error instanceof WebAuthnError && error.code === 'ERROR_CEREMONY_ABORTED') || (error instanceof Error && error.name === 'AbortError');

/** Offers passkeys in the email field's autofill while the sign-in screen shows; quiet where the browser cannot. */
export async function offerPasskeyAutofill(): Promise<void> {
  show(el('login-passkey'), browserSupportsWebAuthn());
  if (state.session || !(await browserSupportsWebAuthnAutofill())) return;
  let assertion: Awaited<ReturnType<typeof startAuthentication>>;
  try {
    assertion = await startAuthentication({ optionsJSON: await api.passkeyOptions(), useBrowserAutofill: true });
  } catch (error) {
    // Only a ceremony the user entered is theirs to hear about (a WebAuthnError). What fails before
    // one starts (the options did not come; the browser stopped offering autofill between its check
    // and ours, as when an authenticator is attached meanwhile) ends the offer quietly, as does the
    // button's abort: the button stays.
    if (error instanceof WebAuthnError && !cancelled(error)) reportError(error);
    return;
  }
  await finish(assertion).catch(reportError);
}

export async function signInWithPasskey(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    setStatus('Follow your browser’s prompt to use your passkey.');
    const optionsJSON = await api.passkeyOptions();
    await finish(await startAuthentication({ optionsJSON }));
  });
  // The autofill request was aborted by the button's: offer it again if still signing in.
  if (!state.session) void offerPasskeyAutofill();
}

/**
 * Signing in with a passkey alone: conditional UI (the browser offers the user's passkeys in the
 * email field's autofill, `autocomplete="username webauthn"`), started when the page opens on the
 * sign-in screen, and the explicit "Sign in with a passkey" button, which ends the waiting
 * autofill request first (endPasskeyAutofill) and asks at once. Not
 * restarted on signing out: the user just chose to leave, and an authenticator that answers
 * conditional requests by itself (Chromium's virtual one does) would sign straight back in.
 */
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnAbortService, WebAuthnError } from '@simplewebauthn/browser';
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

/** The email field's autofill request: being set up (its options on the way), or waiting in the browser. */
let autofill: 'off' | 'starting' | 'waiting' = 'off';

/**
 * Ends the autofill request: once the password is accepted (the sign-in screen is left), and before
 * the button's own request. Left waiting, it was aborted only by the next ceremony as that started,
 * and an aborted request can fail with NotAllowedError rather than AbortError (Chromium, as its
 * virtual authenticator is attached): the page then reported "The security key request was
 * cancelled" for a request nobody had made (one run in eight of the passkey browser test). Ended
 * here, its failure is known to be ours and stays quiet.
 */
export function endPasskeyAutofill(): void {
  const waiting = autofill === 'waiting';
  autofill = 'off';
  if (waiting) WebAuthnAbortService.cancelCeremony();
}

/** Offers passkeys in the email field's autofill while the sign-in screen shows; quiet where the browser cannot. */
export async function offerPasskeyAutofill(): Promise<void> {
  show(el('login-passkey'), browserSupportsWebAuthn());
  if (state.session || !(await browserSupportsWebAuthnAutofill())) return;
  let assertion: Awaited<ReturnType<typeof startAuthentication>>;
  autofill = 'starting';
  try {
    const optionsJSON = await api.passkeyOptions();
    if (autofill !== 'starting') return; // the password was accepted meanwhile
    autofill = 'waiting';
    assertion = await startAuthentication({ optionsJSON, useBrowserAutofill: true });
  } catch (error) {
    // Only a ceremony the user entered is theirs to hear about (a WebAuthnError). What fails before
    // one starts (the options did not come; the browser stopped offering autofill between its check
    // and ours, as when an authenticator is attached meanwhile) ends the offer quietly, as does its
    // end by the button or the password, whatever error the browser gives for it: the button stays.
    if (autofill === 'waiting' && error instanceof WebAuthnError && !cancelled(error)) reportError(error);
    return;
  } finally {
    autofill = 'off';
  }
  await finish(assertion).catch(reportError);
}

export async function signInWithPasskey(event: MouseEvent): Promise<void> {
  endPasskeyAutofill();
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    setStatus('Follow your browser’s prompt to use your passkey.');
    const optionsJSON = await api.passkeyOptions();
    await finish(await startAuthentication({ optionsJSON }));
  });
  // The autofill request was ended for the button's: offer it again if still signing in.
  if (!state.session) void offerPasskeyAutofill();
}

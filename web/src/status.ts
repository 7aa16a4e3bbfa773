/**
 * Telling the user what happened: the status live region (every outcome is announced there), errors
 * put into words, buttons busy while their action runs, and a refused code's field flagged.
 */
import { WebAuthnError } from '@simplewebauthn/browser';
import { ApiError, SESSION_ENDED_CODE } from './api';
import { el, focus, markInvalid } from './dom';

const statusRegion = () => el('status');
let statusTimer: number | undefined;

/** Announces a message in the live region (repeating an identical message re-announces it). */
export function setStatus(message: string, kind: 'info' | 'success' | 'error' = 'info'): void {
  const region = statusRegion();
  window.clearTimeout(statusTimer);
  region.className = `status ${kind}`;
  if (region.textContent === message) {
    region.textContent = '';
    statusTimer = window.setTimeout(() => {
      region.textContent = message;
    }, 100);
  } else {
    region.textContent = message;
  }
}

export function clearStatus(): void {
  window.clearTimeout(statusTimer);
  statusRegion().textContent = '';
  statusRegion().className = 'status';
}

export function reportError(error: unknown): void {
  if (error instanceof ApiError) {
    setStatus(
      error.code === 'recent_auth_required' ? `${error.detail} Sign out, then sign in again with your second factor and try again.` : error.detail,
      'error',
    );
  } else if (error instanceof Error && (error instanceof WebAuthnError || /^(NotAllowed|Abort|InvalidState|Security|NotSupported)Error$/.test(error.name))) {
    setStatus(webAuthnMessage(error), 'error');
  } else {
    setStatus(error instanceof Error ? error.message : 'Something went wrong. Try again.', 'error');
  }
}

/** What a failed browser WebAuthn call means to the user. */
function webAuthnMessage(error: Error): string {
  const code = error instanceof WebAuthnError ? error.code : undefined;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || error.name === 'InvalidStateError') {
    return 'This security key is already registered to your account.';
  }
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || error.name === 'SecurityError') {
    return `Security keys cannot be used at ${location.origin}. Open this page at the service’s own address (for a local server, http://localhost:<port> rather than 127.0.0.1).`;
  }
  if (code === 'ERROR_CEREMONY_ABORTED' || error.name === 'NotAllowedError' || error.name === 'AbortError') {
    return 'The security key request was cancelled or timed out. Try again.';
  }
  return `Your security key could not be used: ${error.message}`;
}

/** Runs an action with its button disabled (and marked busy), reporting any error in the status region. */
export async function busy(button: HTMLButtonElement | null, action: () => Promise<void>): Promise<void> {
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    await action();
  } catch (error) {
    reportError(error);
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}

/** A refused code or password: mark the field and select it for retyping (not when the session itself ended). */
export function refusedInput(input: HTMLInputElement, error: unknown): unknown {
  if (error instanceof ApiError && error.code !== SESSION_ENDED_CODE) {
    markInvalid(input, true);
    input.select();
    focus(input);
  }
  return error;
}

/**
 * A refused password: its field flagged when the password itself was the problem (too weak, or not
 * the current one); a link that no longer works is not the field's fault.
 */
export function refusedPassword(input: HTMLInputElement, error: unknown, codes: readonly string[] = ['weak_password', 'validation_failed']): unknown {
  return error instanceof ApiError && codes.includes(error.code) ? refusedInput(input, error) : error;
}

export const SIX_DIGITS = /^\d{6}$/;

/**
 * The code typed into a field, spaces removed; undefined when it does not match `pattern`, after
 * flagging and focusing the field and announcing `message`, so the form is not sent.
 */
export function enteredCode(input: HTMLInputElement, pattern: RegExp, message: string): string | undefined {
  const code = input.value.replace(/\s+/g, '');
  const valid = pattern.test(code);
  markInvalid(input, !valid);
  if (valid) return code;
  setStatus(message, 'error');
  focus(input);
  return undefined;
}

/**
 * Which of the page's screens is showing: sign in, the second factor, the account, or one reached
 * from an emailed link or "Forgot your password?".
 */
import { el, focus, show } from '../dom';
import { state } from '../state';

export type Screen = 'login' | 'second-factor' | 'account' | 'forgot' | 'reset' | 'invitation' | 'verify-email';

const screens: readonly Screen[] = ['login', 'second-factor', 'account', 'forgot', 'reset', 'invitation', 'verify-email'];

const listeners = new Map<Screen, () => void>();

/** Runs `listener` each time `screen` is shown (the sign-in screen offers passkeys in its autofill). */
export function whenShown(screen: Screen, listener: () => void): void {
  listeners.set(screen, listener);
}

export function showScreen(screen: Screen, options: { focus?: boolean } = {}): void {
  for (const name of screens) show(el(`${name}-view`), name === screen);
  listeners.get(screen)?.();
  show(el('logout'), state.session !== null || state.pending !== null);
  if (options.focus !== false) focus(el(`${screen}-heading`));
}

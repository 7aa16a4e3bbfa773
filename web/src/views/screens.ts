/**
 * Which of the page's screens is showing: sign in, the second factor, the account, or one reached
 * from an emailed link or "Forgot your password?".
 */
import { el, focus, show } from '../dom';
import { state } from '../state';

export type Screen = 'login' | 'second-factor' | 'account' | 'forgot' | 'reset' | 'invitation' | 'verify-email';

const screens: readonly Screen[] = ['login', 'second-factor', 'account', 'forgot', 'reset', 'invitation', 'verify-email'];

export function showScreen(screen: Screen, options: { focus?: boolean } = {}): void {
  for (const name of screens) show(el(`${name}-view`), name === screen);
  show(el('logout'), state.session !== null || state.pending !== null);
  if (options.focus !== false) focus(el(`${screen}-heading`));
}

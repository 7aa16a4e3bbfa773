/** Which of the page's three screens is showing: sign in, the second factor, or the account. */
import { el, focus, show } from '../dom';
import { state } from '../state';

export type Screen = 'login' | 'second-factor' | 'account';

const screens: readonly Screen[] = ['login', 'second-factor', 'account'];

export function showScreen(screen: Screen, options: { focus?: boolean } = {}): void {
  for (const name of screens) show(el(`${name}-view`), name === screen);
  show(el('logout'), state.session !== null || state.pending !== null);
  if (options.focus !== false) focus(el(`${screen}-heading`));
}

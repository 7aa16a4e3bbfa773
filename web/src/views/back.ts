/** Leaving a screen reached from a link or "Forgot your password?": the account if signed in, else sign in. */
import { state } from '../state';
import { showAccount } from './account';
import { showScreen } from './screens';

export async function backFromLink(): Promise<void> {
  if (state.session) await showAccount();
  else showScreen('login');
}

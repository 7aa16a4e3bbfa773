/**
 * Confirming a new email address (from `/?verify-email=<token>`). It takes a click: a mail scanner
 * that opens the link must not confirm it.
 */
import * as api from '../api';
import { busy, setStatus } from '../status';
import { backFromLink } from './back';
import { showScreen } from './screens';

/** The link's token; it stays only as long as the page. */
let token = '';

export function openVerifyEmail(linkToken: string): void {
  token = linkToken;
  showScreen('verify-email', { focus: false });
}

export async function confirmEmail(event: MouseEvent): Promise<void> {
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    setStatus('Confirming…');
    await api.verifyEmail({ token });
    token = '';
    await backFromLink();
    setStatus('Your new email address is confirmed: sign in with it from now on.', 'success');
  });
}

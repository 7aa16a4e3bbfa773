/** Accepting an invitation (from `/?invitation=<token>`): the new user chooses a password and is signed in. */
import * as api from '../api';
import { el, focus, markInvalid } from '../dom';
import { busy, refusedPassword, setStatus } from '../status';
import { passwordAccepted } from './login';
import { showScreen } from './screens';

/** The link's token; it stays only as long as the page. */
let token = '';

export function openInvitation(linkToken: string): void {
  token = linkToken;
  showScreen('invitation', { focus: false });
}

export async function acceptInvitation(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>('invitation-password');
  markInvalid(input, !input.value);
  if (!input.value) {
    setStatus('Choose a password.', 'error');
    focus(input);
    return;
  }
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Setting your password…');
    let answer: api.LoginAnswer;
    try {
      answer = await api.acceptInvitation({ token, password: input.value });
    } catch (error) {
      throw refusedPassword(input, error);
    }
    input.value = '';
    token = '';
    await passwordAccepted(answer);
  });
}

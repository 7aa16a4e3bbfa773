/** Changing the password from the account (the server signs out the other sessions). */
import * as api from '../api';
import { el, focus, markInvalid } from '../dom';
import { busy, refusedPassword, setStatus } from '../status';
import { renderSessions } from './sessions';

export async function changePassword(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const current = el<HTMLInputElement>('password-current');
  const next = el<HTMLInputElement>('password-new');
  markInvalid(current, !current.value);
  markInvalid(next, !next.value);
  if (!current.value || !next.value) {
    setStatus('Enter your current password and a new one.', 'error');
    focus(current.value ? next : current);
    return;
  }
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus('Changing your password…');
    try {
      await api.changePassword({ currentPassword: current.value, newPassword: next.value });
    } catch (error) {
      refusedPassword(current, error, ['invalid_credentials']);
      throw refusedPassword(next, error);
    }
    el<HTMLFormElement>('password-form').reset();
    renderSessions(await api.sessions());
    setStatus('Your password is changed, and your other sessions are signed out.', 'success');
    focus(el('password-heading'));
  });
}

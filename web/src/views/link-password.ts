/**
 * The form an emailed link opens to choose a password (an invitation, a password reset): the field
 * must not be empty, the server's refusal is shown on the field (too short, too common, the link
 * spent), and the password leaves the page once it is accepted.
 */
import { el, focus, markInvalid } from '../dom';
import { busy, refusedPassword, setStatus } from '../status';

export interface LinkPasswordForm {
  /** The password field's id. */
  input: string;
  /** Shown when the field is empty. */
  empty: string;
  /** Shown while the request is out. */
  sending: string;
}

export async function submitLinkPassword<T>(
  event: SubmitEvent,
  form: LinkPasswordForm,
  send: (password: string) => Promise<T>,
  accepted: (answer: T) => void | Promise<void>,
): Promise<void> {
  event.preventDefault();
  const input = el<HTMLInputElement>(form.input);
  markInvalid(input, !input.value);
  if (!input.value) {
    setStatus(form.empty, 'error');
    focus(input);
    return;
  }
  await busy(event.submitter as HTMLButtonElement | null, async () => {
    setStatus(form.sending);
    let answer: T;
    try {
      answer = await send(input.value);
    } catch (error) {
      throw refusedPassword(input, error);
    }
    input.value = '';
    await accepted(answer);
  });
}

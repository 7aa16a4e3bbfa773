/** Recovery codes: generate a new set (replacing the old), show it once, copy it, put it away. */
import * as api from '../api';
import { el, focus, show } from '../dom';
import { state } from '../state';
import { busy, clearStatus, setStatus } from '../status';

/** The codes on screen, for the copy button; forgotten once hidden. */
let shownCodes: string[] = [];

export async function generateRecoveryCodes(event: MouseEvent): Promise<void> {
  if (state.recoveryRemaining > 0 && !window.confirm(`New codes replace your ${state.recoveryRemaining} remaining recovery codes. Continue?`)) return;
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    const codes = await api.generateRecoveryCodes();
    shownCodes = codes;
    el('recovery-codes').replaceChildren(
      ...codes.map((code) => {
        const item = document.createElement('li');
        const text = document.createElement('code');
        text.textContent = code;
        item.append(text);
        return item;
      }),
    );
    show(el('recovery-output'));
    show(el('recovery-generate'), false);
    state.recoveryRemaining = codes.length;
    el('summary-recovery').textContent = String(state.recoveryRemaining);
    setStatus(`${codes.length} new recovery codes are shown below. Save them now: they will not be shown again.`, 'success');
    focus(el('recovery-heading'));
  });
}

export async function copyRecoveryCodes(): Promise<void> {
  try {
    await navigator.clipboard.writeText(shownCodes.join('\n'));
    setStatus('Recovery codes copied.', 'success');
  } catch {
    setStatus('Copying is not available here: select the codes and copy them, or write them down.', 'error');
  }
}

/** "I have saved them". */
export function doneWithRecoveryCodes(): void {
  hideRecoveryCodes();
  clearStatus();
  focus(el('recovery-heading'));
}

export function hideRecoveryCodes(): void {
  shownCodes = [];
  el('recovery-codes').replaceChildren();
  show(el('recovery-output'), false);
  show(el('recovery-generate'));
}

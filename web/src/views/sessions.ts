/**
 * Where the user is signed in: one row per session (device, address, when it began and was last
 * used) with its own Sign out button, and "Sign out everywhere else". The list is read by account.ts.
 */
import * as api from '../api';
import { el, focus, formatDate, show } from '../dom';
import { methodName } from '../method-names';
import { busy, setStatus } from '../status';
import { describeUserAgent } from '../user-agent';

export function renderSessions(sessions: api.SessionInfo[]): void {
  // This browser's session first, then the most recently used.
  const ordered = [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt));
  el('sessions-list').replaceChildren(...ordered.map(sessionItem));
  show(el('sessions-end-others'), ordered.some((session) => !session.current));
}

function sessionItem(session: api.SessionInfo): HTMLLIElement {
  const device = describeUserAgent(session.userAgent ?? undefined);
  const started = formatDate(session.createdAt);
  const item = document.createElement('li');
  const text = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = session.current ? `${device} (this browser)` : device;
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = [
    session.ip,
    `signed in ${started} with ${methodName(session.method)}`,
    session.lastUsedAt !== session.createdAt && `last active ${formatDate(session.lastUsedAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
  text.append(name, meta);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = session.current ? 'secondary' : 'danger';
  button.textContent = 'Sign out';
  button.setAttribute('aria-label', session.current ? 'Sign out of this browser' : `Sign out ${device}, signed in ${started}`);
  // This browser's own session ends the way the header's Sign out does (revoked, then the page reset).
  button.addEventListener('click', () => (session.current ? el('logout').click() : void endSession(button, session.id, device)));
  item.append(text, button);
  return item;
}

async function endSession(button: HTMLButtonElement, id: string, device: string): Promise<void> {
  await busy(button, async () => {
    await api.endSession(id);
    renderSessions(await api.sessions());
    setStatus(`Signed out ${device}.`, 'success');
    focus(el('sessions-heading'));
  });
}

export async function endOtherSessions(event: MouseEvent): Promise<void> {
  if (!window.confirm('Sign out on every other device and browser?')) return;
  await busy(event.currentTarget as HTMLButtonElement, async () => {
    await api.endOtherSessions();
    renderSessions(await api.sessions());
    setStatus('You are signed out everywhere else.', 'success');
    focus(el('sessions-heading'));
  });
}

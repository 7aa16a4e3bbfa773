/**
 * The remembered devices: one row per device (what it is, when it was remembered and last used,
 * until when it works) with its own Forget button. The list is read by account.ts.
 */
import * as api from '../api';
import { el, focus, formatDate, show } from '../dom';
import { busy, setStatus } from '../status';

export function renderDevices(devices: api.RememberedDevice[]): void {
  el('devices-list').replaceChildren(...devices.map(deviceItem));
  show(el('devices-list'), devices.length > 0);
  show(el('devices-empty'), devices.length === 0);
}

function deviceItem(device: api.RememberedDevice): HTMLLIElement {
  const item = document.createElement('li');
  const text = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = device.current ? `${device.label} (this browser)` : device.label;
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = [
    `remembered ${formatDate(device.createdAt)}`,
    device.lastUsedAt && `last used ${formatDate(device.lastUsedAt)}`,
    `until ${formatDate(device.expiresAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
  text.append(name, meta);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'danger';
  button.textContent = 'Forget';
  button.setAttribute('aria-label', `Forget ${device.current ? 'this browser' : device.label}, remembered ${formatDate(device.createdAt)}`);
  button.addEventListener('click', () => void forget(button, device));
  item.append(text, button);
  return item;
}

async function forget(button: HTMLButtonElement, device: api.RememberedDevice): Promise<void> {
  await busy(button, async () => {
    await api.forgetDevice(device.id);
    renderDevices(await api.devices());
    setStatus(`${device.current ? 'This browser' : device.label} is forgotten: signing in there asks for your second factor again.`, 'success');
    focus(el('devices-heading'));
  });
}

/** Small DOM helpers every screen uses: find an element, show or hide it, focus it, flag a field. */

export function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

export const show = (node: HTMLElement, visible = true) => {
  node.hidden = !visible;
};

export function focus(node: HTMLElement): void {
  node.focus();
  node.scrollIntoView({ block: 'nearest' });
}

export function markInvalid(input: HTMLInputElement, invalid: boolean): void {
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** A date and time in the reader's locale (an unreadable value is shown as it came). */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

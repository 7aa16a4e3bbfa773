/**
 * A template and its variables to a subject, a plain-text body and an HTML body. Variables are
 * escaped in HTML (an org name or an email address is user input), and an action link must be an
 * http(s) URL, so no variable can inject markup or a script link.
 */
import type { EmailMessage } from '../adapters/email-sender';
import type { Language, Template } from './templates';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const DATE_FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' };

const formatted = (value: string | Date, language: Language): string =>
  value instanceof Date ? new Intl.DateTimeFormat(language, DATE_FORMAT).format(value) : value;

export function render(
  template: Template,
  variables: Record<string, string | Date>,
  language: Language,
  to: string,
): EmailMessage {
  const text = (pattern: string) =>
    pattern.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.hasOwn(variables, name) ? formatted(variables[name]!, language) : whole,
    );
  const html = (pattern: string) => escapeHtml(text(pattern));
  const link = template.action && String(variables[template.action.link]);
  if (link !== undefined && !/^https?:\/\//.test(link)) throw new Error(`An email link must be an http(s) URL, not ${link.slice(0, 20)}`);

  const textBody = [...template.paragraphs.map(text), ...(link ? [`${text(template.action!.label)}: ${link}`] : [])].join('\n\n');
  const htmlBody = [
    `<!doctype html><html lang="${language}"><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem">`,
    ...template.paragraphs.map((p) => `<p>${html(p)}</p>`),
    ...(link
      ? [`<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:.6em 1.2em;background:#1f4fd1;color:#fff;text-decoration:none;border-radius:4px">${html(template.action!.label)}</a></p>`,
         `<p style="font-size:.9em;color:#555">${escapeHtml(link)}</p>`]
      : []),
    '</body></html>',
  ].join('\n');
  return { to, subject: text(template.subject), text: textBody, html: htmlBody };
}

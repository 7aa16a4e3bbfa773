/** The reader's language from an Accept-Language header (RFC 9110 weights), among those we write. */
import Negotiator from 'negotiator';
import { LANGUAGES, type Language } from './templates';

export function languageOf(acceptLanguage?: string): Language {
  if (!acceptLanguage) return 'en';
  const best = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...LANGUAGES]);
  return (best as Language | undefined) ?? 'en';
}

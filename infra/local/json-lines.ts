/**
 * The records in a JSON Lines file's text. Only whole lines count: the files read so (outboxes,
 * event and call logs) are appended to by another process while a test reads them, and a line is
 * complete once its newline is written.
 */
export function wholeJsonLines<T>(text: string): T[] {
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

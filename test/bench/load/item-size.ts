/**
 * DynamoDB's item size and the request units an operation consumes, from the items themselves
 * (DynamoDB Local reports consumed capacity, but for a transaction it sums the items before rounding,
 * where AWS rounds each item). Item sizes, from the developer guide: an attribute
 * is its name's UTF-8 bytes plus its value; a string its UTF-8 bytes, a number about one byte per
 * two significant digits plus one, a boolean or null one byte, a list or map 3 bytes plus one byte
 * per element plus the elements (a map's element: its key and value), a set the sum of its members.
 * Units: a write 1 per KB begun (2 in a transaction), a read 1 per 4 KB begun (strongly
 * consistent; half that eventually consistent; 2 in a transaction), a Query rounds its items' sum.
 */
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function numberSize(n: number | bigint): number {
  const digits = String(n).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

export function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((sum, [k, v]) => sum + 1 + utf8(k) + valueSize(v), 0);
  return 0;
}

export function itemSize(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

export const writeUnits = (bytes: number, transactional: boolean) => Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);
export const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/**
 * The client's address, as the per-IP limits and the audit trail see it.
 *
 * Behind CloudFront, API Gateway's source IP is an edge server's; CloudFront passes the viewer's in
 * `CloudFront-Viewer-Address` (`ip:port`). Any client can send that header (or `X-Forwarded-For`)
 * itself, so it is believed only on a request that carries the origin secret CloudFront adds
 * (ORIGIN_VERIFY_HEADER, generated at deploy, compared in constant time): a request that reached
 * the API some other way is counted by its own source address, whatever it claims.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The origin custom header CloudFront adds to every API request (infra/constructs/front-door.ts). */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

export interface AddressSource {
  /** API Gateway's `requestContext.http.sourceIp`: the TCP peer, which no header can change. */
  sourceIp: string;
  /** Request headers, names lower-cased (API Gateway v2 and the local gateway both do). */
  headers: Readonly<Record<string, string | undefined>>;
}

function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether the request came through CloudFront (carries the origin secret). Behind the front door
 * every request must: one without it went around CloudFront and its WAF, to the API's own hostname.
 */
export function cameThroughFrontDoor(headers: AddressSource['headers'], originSecret: string): boolean {
  return sameSecret(headers[ORIGIN_VERIFY_HEADER], originSecret);
}

/** `198.51.100.10:46532` or `2001:db8::8a2e:370:7334:46532` (IPv6 without brackets): the address without the port. */
export function parseViewerAddress(value: string | undefined): string | undefined {
  const match = /^(.+):\d{1,5}$/.exec(value?.trim() ?? '');
  const address = match?.[1]?.replace(/^\[(.*)\]$/, '$1');
  return address !== undefined && isIP(address) !== 0 ? address : undefined;
}

/**
 * The viewer's address when the request came through CloudFront (it carries `originSecret`);
 * otherwise the source address. Without an origin secret configured (no CloudFront in front, or the
 * local server) no header is ever trusted.
 */
export function clientAddress(request: AddressSource, originSecret: string | undefined): string {
  if (!originSecret || !cameThroughFrontDoor(request.headers, originSecret)) return request.sourceIp;
  return parseViewerAddress(request.headers[VIEWER_ADDRESS_HEADER]) ?? request.sourceIp;
}

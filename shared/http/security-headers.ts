/**
 * The security headers of every response the service sends to a browser: ONE definition, which the
 * CloudFront response-headers policy (infra/constructs/front-door.ts) and the local gateway
 * (infra/local/gateway.ts) both send, so the page is tested locally under the policy it is served with.
 *
 * The page (web/) loads one script and one stylesheet from its own origin, calls the API on the same
 * origin, and shows the QR code as a data: image; nothing inline, nothing foreign, so the CSP can
 * refuse everything else.
 */

/** Two years (the HSTS preload list's minimum is one). */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * WebAuthn ceremonies run in the page itself (self); every other powerful feature is off. Only
 * features browsers recognise: an unknown one is a console warning.
 */
export const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'publickey-credentials-get=(self)',
  'publickey-credentials-create=(self)',
].join(', ');

/** Header name (lower case) → value. */
export const SECURITY_HEADERS = {
  'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // Tokens never travel in URLs, but the page links nowhere that needs to know where it came from.
  'referrer-policy': 'no-referrer',
  'permissions-policy': PERMISSIONS_POLICY,
  'x-content-type-options': 'nosniff',
  // frame-ancestors 'none' for current browsers, X-Frame-Options for the rest: no clickjacking.
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
} as const;

export type SecurityHeader = keyof typeof SECURITY_HEADERS;

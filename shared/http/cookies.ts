/**
 * The one cookie the service sets: a remembered device's token for the self-service page
 * (shared/tokens/devices.ts). `__Host-` makes browsers insist on Secure, Path=/ and no Domain, so no
 * other host (a sibling subdomain) can plant or read it; HttpOnly keeps it from the page's scripts;
 * SameSite=Strict keeps it off every cross-site request, so a login form elsewhere cannot use it.
 * API clients get the same token in the answer and send it in the body instead.
 */
export const DEVICE_COOKIE = '__Host-device';

const ATTRIBUTES = 'HttpOnly; Secure; SameSite=Strict; Path=/';

/** The Set-Cookie value that stores a device token for `maxAge` seconds. */
export const deviceCookie = (token: string, maxAge: number) => `${DEVICE_COOKIE}=${token}; ${ATTRIBUTES}; Max-Age=${maxAge}`;

/** The Set-Cookie value that removes it (the device was forgotten). */
export const clearedDeviceCookie = () => `${DEVICE_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`;

/**
 * A cookie's value from a request's cookies (API Gateway v2's `cookies`: one `name=value` each), or
 * undefined. Oversized or repeated values count as absent: a cookie is never worth a 4xx.
 */
export function cookieValue(cookies: readonly string[] | undefined, name: string, maxLength = 256): string | undefined {
  const values = (cookies ?? []).flatMap((c) => {
    const at = c.indexOf('=');
    return at > 0 && c.slice(0, at).trim() === name ? [c.slice(at + 1).trim()] : [];
  });
  return values.length === 1 && values[0]!.length <= maxLength ? values[0] : undefined;
}

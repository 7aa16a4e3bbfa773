/**
 * The page's session list, the server's remembered-device labels and the security notices name a
 * device from its User-Agent header in a few words, with one table (shared/model/user-agent.ts).
 */
import { describeUserAgent } from '../../web/src/user-agent';

it.each([
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge on Windows'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Chrome on Linux'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'Safari on macOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari on iOS'],
  ['Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0', 'Firefox on Android'],
  ['curl/8.5.0', 'curl'],
  ['jest', 'jest'],
  ['x'.repeat(60), `${'x'.repeat(40)}…`],
  ['', 'Unknown device'],
  [undefined, 'Unknown device'],
])('%s -> %s', (userAgent, expected) => {
  expect(describeUserAgent(userAgent)).toBe(expected);
});

/** Configuration is validated at cold start: a bad value stops the function, naming the variable. */
import { loadConfig } from '../../shared/config';

describe('REFRESH_TOKEN_REUSE_INTERVAL', () => {
  it('defaults to 10 s and may be turned off with 0', () => {
    expect(loadConfig({}).REFRESH_TOKEN_REUSE_INTERVAL).toBe(10);
    expect(loadConfig({ REFRESH_TOKEN_REUSE_INTERVAL: '0' }).REFRESH_TOKEN_REUSE_INTERVAL).toBe(0);
  });

  it.each(['-1', '61', '2.5', 'soon'])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ REFRESH_TOKEN_REUSE_INTERVAL: value })).toThrow(/REFRESH_TOKEN_REUSE_INTERVAL/);
  });
});

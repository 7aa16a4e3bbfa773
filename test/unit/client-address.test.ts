/** Which address the per-address limits count: the viewer's only behind CloudFront, proven by the origin secret. */
import { clientAddress, ORIGIN_VERIFY_HEADER, parseViewerAddress, VIEWER_ADDRESS_HEADER } from '../../shared/http/client-address';

const secret = 's'.repeat(48);
const edge = '130.176.0.10';

describe('clientAddress', () => {
  test('through CloudFront (the origin secret present): the viewer address, without its port', () => {
    const headers = { [ORIGIN_VERIFY_HEADER]: secret, [VIEWER_ADDRESS_HEADER]: '198.51.100.10:46532' };
    expect(clientAddress({ sourceIp: edge, headers }, secret)).toBe('198.51.100.10');
  });

  test('IPv6 viewer addresses (CloudFront sends them without brackets)', () => {
    const headers = { [ORIGIN_VERIFY_HEADER]: secret, [VIEWER_ADDRESS_HEADER]: '2001:db8:85a3::8a2e:370:7334:46532' };
    expect(clientAddress({ sourceIp: edge, headers }, secret)).toBe('2001:db8:85a3::8a2e:370:7334');
  });

  test.each([
    ['no origin secret header', { [VIEWER_ADDRESS_HEADER]: '198.51.100.10:1' }],
    ['a wrong origin secret', { [ORIGIN_VERIFY_HEADER]: 'x'.repeat(48), [VIEWER_ADDRESS_HEADER]: '198.51.100.10:1' }],
    ['a prefix of the origin secret', { [ORIGIN_VERIFY_HEADER]: secret.slice(0, 20), [VIEWER_ADDRESS_HEADER]: '198.51.100.10:1' }],
    ['only X-Forwarded-For', { 'x-forwarded-for': '198.51.100.10' }],
  ])('a direct request with %s: the source address', (_name, headers) => {
    expect(clientAddress({ sourceIp: '192.0.2.7', headers }, secret)).toBe('192.0.2.7');
  });

  test('no origin secret configured (no CloudFront in front, the local server): never a header', () => {
    const headers = { [ORIGIN_VERIFY_HEADER]: '', [VIEWER_ADDRESS_HEADER]: '198.51.100.10:1' };
    expect(clientAddress({ sourceIp: '192.0.2.7', headers }, undefined)).toBe('192.0.2.7');
    expect(clientAddress({ sourceIp: '192.0.2.7', headers }, '')).toBe('192.0.2.7');
  });

  test('with the secret but a malformed viewer address: the source address', () => {
    for (const value of ['', 'garbage', '198.51.100.10', 'evil.example:443', '999.1.1.1:80']) {
      expect(clientAddress({ sourceIp: edge, headers: { [ORIGIN_VERIFY_HEADER]: secret, [VIEWER_ADDRESS_HEADER]: value } }, secret)).toBe(edge);
    }
  });

  test('parseViewerAddress', () => {
    expect(parseViewerAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(parseViewerAddress(undefined)).toBeUndefined();
  });
});

import aws4 from 'aws4';
import { sign } from '../../shared/store/sigv4';

const request = (over: Partial<aws4.Request> = {}): aws4.Request => ({
  host: 'dynamodb.eu-west-1.amazonaws.com',
  path: '/',
  method: 'POST',
  service: 'dynamodb',
  region: 'eu-west-1',
  headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.Query', Date: '2026-12-01T10:00:00Z' },
  body: '{"TableName":"t"}',
  ...over,
});
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
// Each call gets its own copies: aws4 writes the signed headers into the request it is given.
const both = (r: () => aws4.Request, c = credentials) => [sign(r(), { ...c }).headers, aws4.sign(r(), { ...c }).headers];

describe('SigV4 with the key as a KeyObject', () => {
  it("signs as aws4 does: the same headers, signature included", () => {
    const [ours, theirs] = both(() => request());
    expect(ours).toEqual(theirs);
    expect(String(ours!.Authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261201\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/);
  });

  it('derives a new key when the day, the region, the service or the secret changes', () => {
    const variants: Array<[() => aws4.Request, typeof credentials]> = [
      [() => request(), credentials],
      [() => request({ headers: { ...request().headers, Date: '2026-12-02T00:00:01Z' } }), credentials],
      [() => request({ region: 'us-east-1', host: 'dynamodb.us-east-1.amazonaws.com' }), credentials],
      [() => request({ service: 'sns', host: 'sns.eu-west-1.amazonaws.com', path: '/' }), credentials],
      [() => request(), { ...credentials, secretAccessKey: 'rotated/K7MDENG+bPxRfiCYEXAMPLEKEY' }],
      [() => request(), credentials],
    ];
    const signatures = variants.map(([r, c]) => {
      const [ours, theirs] = both(r, c);
      expect(ours).toEqual(theirs);
      return String(ours!.Authorization).split('Signature=')[1];
    });
    expect(new Set(signatures.slice(0, 5)).size).toBe(5);
    expect(signatures[5]).toBe(signatures[0]);
  });

  it('signs the body: another body, another signature', () => {
    const [a] = both(() => request());
    const [b] = both(() => request({ body: '{"TableName":"u"}' }));
    expect(a!.Authorization).not.toBe(b!.Authorization);
  });
});

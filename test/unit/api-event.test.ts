/**
 * The local gateway builds payload 2.0 events as API Gateway's HTTP API does: bodies of text types
 * (text/*, application/json, application/xml, application/javascript) as UTF-8 strings, every other
 * body (binary Protobuf, form-urlencoded, no content type) base64-encoded with isBase64Encoded.
 */
import { matchRoute, toApiEvent, type MatchedRoute } from '../../infra/local/api-event';

const route = matchRoute('POST', '/zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy') as MatchedRoute;
const bytes = Buffer.from([0, 0, 0, 0, 2, 0x08, 0xff, 0xc3, 0x28]); // a frame; 0xc3 0x28 is not UTF-8

const eventFor = (contentType: string | undefined, body: string | Uint8Array) =>
  toApiEvent({ method: 'POST', url: route.key.split(' ')[1]!, headers: contentType ? { 'content-type': contentType } : {}, body }, route);

describe('request bodies reach the function as API Gateway’s HTTP API hands them over', () => {
  it.each(['text/plain', 'text/html; charset=utf-8', 'application/json', 'application/json; charset=utf-8', 'application/xml', 'application/javascript'])(
    '%s: as text',
    (contentType) => {
      const event = eventFor(contentType, '{"type":"SECOND_FACTOR_TYPE_OTP"}');
      expect(event).toMatchObject({ body: '{"type":"SECOND_FACTOR_TYPE_OTP"}', isBase64Encoded: false });
    },
  );

  it.each(['application/grpc-web+proto', 'application/grpc-web-text', 'application/proto', 'application/octet-stream', 'application/x-www-form-urlencoded', 'application/problem+json', undefined])(
    '%s: base64-encoded, byte for byte',
    (contentType) => {
      const event = eventFor(contentType, bytes);
      expect(event.isBase64Encoded).toBe(true);
      expect(Buffer.from(event.body!, 'base64')).toEqual(bytes);
    },
  );

  it('no body: no body field, not base64', () => {
    expect(eventFor('application/grpc-web+proto', Buffer.alloc(0))).toMatchObject({ isBase64Encoded: false });
    expect(eventFor('application/grpc-web+proto', Buffer.alloc(0)).body).toBeUndefined();
  });
});

/**
 * The RPC wire of Zitadel's ManagementService methods, as its client libraries speak it:
 * - gRPC-web: application/grpc-web(+proto|+json) and application/grpc-web-text (base64): one
 *   length-prefixed message frame each way, the status in a trailer frame at the end of the body;
 * - Connect unary: application/proto or application/json, the bare message; errors as Connect's
 *   error JSON with the matching HTTP status.
 * Messages are encoded by @bufbuild/protobuf, frames, trailers and error JSON by
 * @connectrpc/connect's protocol helpers. Native gRPC (application/grpc) needs HTTP/2 trailers end to
 * end, which API Gateway's HTTP API does not carry to Lambda: it gets a 415 naming the forms that work.
 *
 * The handler sees the request as its proto3 JSON, validated by the route's zod schema exactly like
 * the REST route's body, and replies with the JSON the REST route answers: one mapping of the
 * domain to Zitadel's messages, whichever wire carried them.
 */
import { fromBinary, fromJson, toBinary, toJson, toJsonString, type DescMethodUnary, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { encodeEnvelopes } from '@connectrpc/connect/protocol';
import { codeToHttpStatus, errorToJson } from '@connectrpc/connect/protocol-connect';
import { setTrailerStatus, trailerFlag, trailerSerialize } from '@connectrpc/connect/protocol-grpc-web';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BadRequest, ErrorCode, PayloadTooLarge, UnsupportedMediaType } from '../shared/errors';
import { grpcCodes, publicError } from '../shared/http/problem';
import { header } from '../shared/http/request';
import type { Reply, Wire } from './endpoint';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

type Protocol = { name: 'grpc-web'; json: boolean; text: boolean } | { name: 'connect'; json: boolean };

export const SUPPORTED_FORMS =
  'gRPC-web (application/grpc-web+proto, application/grpc-web-text) or Connect (application/proto, application/json)';

/** The gRPC-web frame flag of a compressed message (the trailer flag is 0x80). */
const COMPRESSED_FLAG = 0x01;

function protocolOf(event: Event): Protocol | undefined {
  const type = (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const web = /^application\/grpc-web(-text)?(?:\+(proto|json))?$/.exec(type);
  if (web) return { name: 'grpc-web', text: !!web[1], json: web[2] === 'json' };
  if (type === 'application/proto' || type === 'application/json') return { name: 'connect', json: type === 'application/json' };
  return undefined;
}

function unsupported(event: Event): UnsupportedMediaType {
  const type = (header(event, 'content-type') ?? '').split(';')[0]!.trim();
  if (/^application\/grpc(\+|$)/i.test(type)) {
    return new UnsupportedMediaType(
      ErrorCode.unsupportedMediaType,
      `Native gRPC (${type}) needs HTTP/2 trailers end to end, which this API's gateway does not carry: use ${SUPPORTED_FORMS}`,
    );
  }
  return new UnsupportedMediaType(ErrorCode.unsupportedMediaType, `Content-Type ${type || '(none)'} is not served here: use ${SUPPORTED_FORMS}`);
}

const invalid = (message: string) => new BadRequest(ErrorCode.invalidRequest, message);
const tooLarge = (bytes: number, max: number) =>
  new PayloadTooLarge(ErrorCode.payloadTooLarge, `The message is ${bytes} bytes, over the ${max}-byte limit`);

/** The one message of a unary gRPC-web request: exactly one uncompressed frame, nothing after it. */
function unframe(body: Uint8Array, maxBytes: number): Uint8Array {
  if (body.length === 0) throw invalid('The request has no message frame');
  if (body.length < 5) throw invalid('The message frame is truncated: its 5-byte header is incomplete');
  const flags = body[0]!;
  const length = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(1);
  if (flags & trailerFlag) throw invalid('A request carries no trailer frame');
  if (flags & COMPRESSED_FLAG) throw invalid('The message is compressed: this server takes uncompressed messages only (grpc-encoding identity)');
  if (flags !== 0) throw invalid(`Unknown frame flags 0x${flags.toString(16)}`);
  if (length > maxBytes) throw tooLarge(length, maxBytes);
  if (body.length - 5 < length) throw invalid(`The message frame is truncated: its header announces ${length} bytes, ${body.length - 5} follow`);
  if (body.length - 5 > length) throw invalid('A unary call carries exactly one message frame');
  return body.subarray(5);
}

function decode(schema: DescMessage, bytes: Uint8Array, json: boolean): JsonValue {
  let message;
  if (json) {
    let value: JsonValue;
    try {
      const text = Buffer.from(bytes).toString('utf8');
      value = text.trim() === '' ? {} : (JSON.parse(text) as JsonValue);
    } catch {
      throw new BadRequest(ErrorCode.invalidJson, 'The request message is not valid JSON');
    }
    try {
      // Unknown keys and enum names are refused (protobuf-es's default).
      message = fromJson(schema, value);
    } catch (error) {
      throw invalid(`The request is not a ${schema.typeName}: ${(error as Error).message.slice(0, 200)}`);
    }
  } else {
    try {
      message = fromBinary(schema, bytes);
    } catch {
      throw invalid(`The request is not a valid ${schema.typeName} message`);
    }
    // A field this service does not know is a client that expects behaviour it will not get.
    const unknown = message.$unknown?.map((field) => field.no);
    if (unknown?.length) throw invalid(`${schema.typeName} has no field ${unknown.join(', ')}`);
  }
  // Implicit defaults are written out, so SECOND_FACTOR_TYPE_UNSPECIFIED reaches the schema and is
  // refused by name; an enum number out of range stays a number, which the schema refuses too.
  return toJson(schema, message, { alwaysEmitImplicit: true });
}

function grpcWebBody(protocol: Extract<Protocol, { name: 'grpc-web' }>, frames: Uint8Array): Pick<Result, 'body' | 'isBase64Encoded'> {
  // grpc-web-text is the base64 of the frames; either way the gateway gets the bytes in base64.
  const bytes = protocol.text ? Buffer.from(Buffer.from(frames).toString('base64'), 'latin1') : Buffer.from(frames);
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

const grpcWebContentType = (p: Extract<Protocol, { name: 'grpc-web' }>) =>
  `application/grpc-web${p.text ? '-text' : ''}+${p.json ? 'json' : 'proto'}`;

function readBody(method: DescMethodUnary, event: Event, maxBytes: number): JsonValue {
  const protocol = protocolOf(event);
  if (!protocol) throw unsupported(event);
  const encoding = header(event, protocol.name === 'grpc-web' ? 'grpc-encoding' : 'content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw invalid(`${encoding} compression is not supported: send uncompressed messages`);
  }
  const raw = event.body ?? '';
  let bytes: Uint8Array = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new PayloadTooLarge(ErrorCode.payloadTooLarge, `The request body is larger than ${maxBytes} bytes`);
  if (protocol.name === 'grpc-web') {
    if (protocol.text) {
      const text = Buffer.from(bytes).toString('latin1');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw invalid('A grpc-web-text body must be base64');
      bytes = Buffer.from(text, 'base64');
    }
    bytes = unframe(bytes, maxBytes);
  }
  return decode(method.input, bytes, protocol.json);
}

function reply(method: DescMethodUnary, event: Event, { body, headers }: Reply): Result {
  const protocol = protocolOf(event)!; // readBody accepted it
  const message = fromJson(method.output, (body ?? {}) as JsonValue);
  const data = protocol.json ? new TextEncoder().encode(toJsonString(method.output, message)) : toBinary(method.output, message);
  if (protocol.name === 'connect') {
    return {
      statusCode: 200,
      headers: { 'content-type': protocol.json ? 'application/json' : 'application/proto', 'cache-control': 'no-store', ...headers },
      body: Buffer.from(data).toString('base64'),
      isBase64Encoded: true,
    };
  }
  const trailer = trailerSerialize(setTrailerStatus(new Headers(), undefined));
  return {
    statusCode: 200,
    headers: { 'content-type': grpcWebContentType(protocol), 'cache-control': 'no-store', ...headers },
    ...grpcWebBody(protocol, encodeEnvelopes({ flags: 0, data }, { flags: trailerFlag, data: trailer })),
  };
}

/** The 'grpc' dialect's error mapping: the REST dialect's codes, but RESOURCE_EXHAUSTED for a message too large. */
function error(event: Event, thrown: unknown): Result {
  const e = publicError(thrown);
  const code: Code = e.status === 413 ? Code.ResourceExhausted : ((grpcCodes[e.status] ?? Code.Unknown) as Code);
  const failure = new ConnectError(e.message, code);
  const headers = { 'cache-control': 'no-store', ...e.headers };
  const protocol = protocolOf(event);
  if (protocol?.name === 'grpc-web') {
    // gRPC-web answers 200 with the status in the trailer frame; clients read nothing else.
    const trailer = trailerSerialize(setTrailerStatus(new Headers(), failure));
    return {
      statusCode: 200,
      headers: { 'content-type': grpcWebContentType(protocol), ...headers },
      ...grpcWebBody(protocol, encodeEnvelopes({ flags: trailerFlag, data: trailer })),
    };
  }
  return {
    // Connect: the HTTP status of the code; a content type no protocol here speaks: 415 (Connect spec).
    statusCode: protocol ? codeToHttpStatus(code) : e.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(errorToJson(failure, undefined)),
  };
}

/** The wire of one unary method of a generated service descriptor. */
export function rpc(method: DescMethodUnary): Wire {
  return {
    readBody: (event, maxBytes) => readBody(method, event, maxBytes),
    reply: (event, r) => reply(method, event, r),
    error,
  };
}

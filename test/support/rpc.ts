/** Calling the RPC routes in-process with raw bytes, and reading gRPC-web and Connect answers. */
import { trailerFlag, trailerParse } from '@connectrpc/connect/protocol-grpc-web';
import type { RouteKey } from '../../functions/routes';
import { invoke, type InvokeResult } from './invoke';

/** A gRPC-web frame: flags, a 4-byte big-endian length (by default the data's), the data. */
export function frame(data: Uint8Array | number[], flags = 0, length = data.length): Buffer {
  const header = Buffer.alloc(5);
  header[0] = flags;
  header.writeUInt32BE(length, 1);
  return Buffer.concat([header, Buffer.from(data)]);
}

export interface RpcOutcome {
  /** The gRPC status code (0 for OK), from the trailer frame (gRPC-web) or the Connect error JSON. */
  code: number;
  message: string;
  httpStatus: number;
  /** The response message bytes (gRPC-web: the data frame's content). */
  data?: Buffer;
}

const connectCodes: Record<string, number> = {
  invalid_argument: 3,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  unimplemented: 12,
  internal: 13,
  unauthenticated: 16,
};

/** Reads a gRPC-web body (binary or text) into its message and trailer status. */
export function readGrpcWeb(result: InvokeResult): RpcOutcome {
  let body = Buffer.from(result.body as Uint8Array);
  if (/grpc-web-text/.test(result.headers['content-type'] ?? '')) body = Buffer.from(body.toString('latin1'), 'base64');
  let data: Buffer | undefined;
  let trailer: Headers | undefined;
  for (let at = 0; at < body.length; ) {
    const length = body.readUInt32BE(at + 1);
    const content = body.subarray(at + 5, at + 5 + length);
    if (body[at]! & trailerFlag) trailer = trailerParse(content);
    else data = content;
    at += 5 + length;
  }
  if (!trailer) throw new Error('no trailer frame');
  return {
    code: Number(trailer.get('grpc-status')),
    message: decodeURIComponent(trailer.get('grpc-message') ?? ''),
    httpStatus: result.status,
    data,
  };
}

export async function callRpc(key: RouteKey, contentType: string, body: Uint8Array | string, options: { token?: string; headers?: Record<string, string> } = {}): Promise<RpcOutcome> {
  const result = await invoke(key, { rawBody: body, token: options.token, headers: { 'content-type': contentType, ...options.headers } });
  if (/^application\/grpc-web/.test(result.headers['content-type'] ?? '')) return readGrpcWeb(result);
  if (result.status === 200) return { code: 0, message: '', httpStatus: 200, data: Buffer.isBuffer(result.body) ? result.body : undefined };
  const error = result.body as { code: string; message: string };
  return { code: connectCodes[error.code] ?? -1, message: error.message, httpStatus: result.status };
}

/**
 * The local server (the same gateway `npm start` runs) on a free port, for e2e tests over HTTP; with
 * TEST_SERVER_MODE=synth, the synthesized stack the global setup started (support/synth.ts).
 * `securityEvents`: also follow the table's stream into that file, as `npm start` does; `notify`:
 * and hand each event to it (the security notifier, as `npm start` does).
 */
import type { Server } from 'node:http';
import { startGateway } from '../../infra/local/gateway';
import { followSecurityEvents, type FollowerOptions } from '../../infra/local/security-event-follower';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(options: { securityEvents?: string; notify?: FollowerOptions['notify'] } = {}): Promise<TestServer> {
  const follower =
    options.securityEvents === undefined
      ? undefined
      : await followSecurityEvents({
          endpoint: process.env.DYNAMODB_ENDPOINT!,
          tableName: process.env.TABLE_NAME!,
          file: options.securityEvents,
          pollMs: 50,
          notify: options.notify,
        });
  if (process.env.TEST_SERVER_MODE === 'synth') return { url: process.env.TEST_SYNTH_URL!, close: async () => follower?.stop() };
  const { server, url }: { server: Server; url: string } = await startGateway(0);
  return {
    url,
    close: async () => {
      await follower?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(base + path, {
    method,
    headers: {
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: /json/.test(type) && text ? JSON.parse(text) : text };
}

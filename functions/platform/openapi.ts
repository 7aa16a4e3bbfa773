import { endpoint, ok } from '../endpoint';
import { openApiDocument } from '../openapi-document';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = endpoint('GET /openapi.json', async ({ headers }) => {
  document ??= openApiDocument(headers.host ? `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host}` : undefined);
  return ok(document);
});

import { endpoint, ok } from '../endpoint';
import { platformOpenapi } from '../route-entries';
import { openApiDocument } from '../openapi-document';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = endpoint(platformOpenapi, async ({ headers }) => {
  document ??= openApiDocument(headers.host ? `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host}` : undefined);
  return ok(document);
});

/**
 * Serves the self-service page (web/public, and the bundle built into web/dist) for GET requests.
 * The security headers come from the gateway, on every response (as CloudFront adds them).
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';

const webDir = join(__dirname, '..', '..', 'web');
const roots = [join(webDir, 'public'), join(webDir, 'dist')];
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export async function serveStatic(path: string, res: ServerResponse): Promise<boolean> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path));
  } catch {
    return false; // malformed percent-encoding: not a file of ours
  }
  if (relative.includes('..') || !Object.hasOwn(types, extname(relative))) return false;
  for (const root of roots) {
    try {
      const content = await readFile(join(root, relative));
      res.writeHead(200, {
        'content-type': types[extname(relative)]!,
        'cache-control': 'no-cache',
      });
      res.end(content);
      return true;
    } catch {
      // not in this root
    }
  }
  return false;
}

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Route } from './server.js';

/**
 * An offline GraphQL IDE for development: GraphiQL 3 and React 18 from node_modules (they are
 * development dependencies), at /graphiql. Production (and a build without them) answers 404.
 */
const HERE = join(dirname(fileURLToPath(import.meta.url)), 'graphiql');
const require = createRequire(import.meta.url);

/** A file inside an installed package (graphiql's exports map hides its UMD build from require.resolve). */
function moduleFile(pkg: string, file: string): string | null {
  try {
    let dir = dirname(require.resolve(pkg));
    while (dir !== dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return join(dir, file);
      dir = dirname(dir);
    }
  } catch {
    /* not installed (a production image): no IDE */
  }
  return null;
}

const JS = 'text/javascript; charset=utf-8';
const FILES = new Map<string, { file: string | null; type: string }>([
  ['/graphiql', { file: join(HERE, 'index.html'), type: 'text/html; charset=utf-8' }],
  ['/graphiql/start.js', { file: join(HERE, 'start.js'), type: JS }],
  ['/graphiql/graphiql.min.js', { file: moduleFile('graphiql', 'graphiql.min.js'), type: JS }],
  ['/graphiql/graphiql.min.css', { file: moduleFile('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' }],
  ['/graphiql/react.production.min.js', { file: moduleFile('react', 'umd/react.production.min.js'), type: JS }],
  ['/graphiql/react-dom.production.min.js', { file: moduleFile('react-dom', 'umd/react-dom.production.min.js'), type: JS }],
]);

const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";

export function graphiqlRoute(production: boolean): Route {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    // a browser opening /graphql in development is sent to the IDE
    if (!production && url.pathname === '/graphql' && req.method === 'GET' && !url.search && req.headers.accept?.includes('text/html')) {
      res.writeHead(302, { location: '/graphiql' }).end();
      return true;
    }
    if (url.pathname !== '/graphiql' && !url.pathname.startsWith('/graphiql/')) return false;
    const entry = production ? undefined : FILES.get(url.pathname);
    if (!entry?.file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(production ? 'Not found' : 'Not found (GraphiQL needs the development dependencies: npm install)');
      return true;
    }
    const body = await readFile(entry.file);
    res.writeHead(200, {
      'content-type': entry.type,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

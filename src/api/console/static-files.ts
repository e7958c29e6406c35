import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The console's built files (`npm run build` writes them to dist/console). */
export function defaultConsoleDir(): string {
  // This file runs from src/api/console (tsx) or dist/api/console (built): the package root is 3 up.
  return path.resolve(import.meta.dirname, '../../../dist/console');
}

/**
 * Serves the console's static files on GET: `/` is index.html; `/assets/*` are Vite's hashed
 * bundles (cached for good). The API keeps `POST /`. Paths are resolved inside the folder only.
 */
export function registerStaticFiles(app: FastifyInstance, dir: string): void {
  const root = path.resolve(dir);
  const send = (reply: FastifyReply, rel: string, immutable: boolean) => {
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    }
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    return reply.type(type).send(fs.createReadStream(file));
  };
  app.get('/', (_request, reply) => {
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build` (it builds console/ into dist/console).\n');
    }
    // The console draws everything itself and talks only to this origin.
    reply.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    return send(reply, 'index.html', false);
  });
  app.get('/assets/*', (request, reply) => send(reply, path.join('assets', (request.params as { '*': string })['*']), true));
  app.get('/favicon.svg', (_request, reply) => send(reply, 'favicon.svg', false));
}

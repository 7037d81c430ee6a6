import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const dir = new URL('./', import.meta.url);
const WIDGET_JS = readFileSync(new URL('widget.js', dir));
const DEMO_HTML = readFileSync(new URL('demo.html', dir));

/**
 * Serves the embeddable widget (`/widget/widget.js`, a checked-in dependency-free
 * ES module) and a demo page (`/widget/demo`). The script may be embedded from any
 * origin (CORS `*`); the socket checks `channels.webchat.allowedOrigins`.
 */
export function registerWidgetRoutes(app: FastifyInstance): void {
  app.get('/widget/widget.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(WIDGET_JS),
  );
  app.get('/widget/demo', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self' ws: wss:")
      .send(DEMO_HTML),
  );
}

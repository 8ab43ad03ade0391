// Pages: eta templates (auto-escaped) in views/, one layout around each, and `reply.page(view, data)` adding what
// every page shows: who is logged in, the CSRF token for its forms, a confirmation notice, number and date formats.
// Pages are never cached: they carry a person's orders and the session's form token.
import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { CSRF_FIELD } from './csrf.js';
import { date, orderReference, price } from './formats.js';
import { noticeText } from './notices.js';

export const VIEWS_DIR = fileURLToPath(new URL('../views/', import.meta.url));

export interface PageData {
  /** The page's title and its one `<h1>`. */
  title: string;
  [name: string]: unknown;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page in the layout; answers with `status` (default 200). */
    page(view: string, data: PageData, status?: number): Promise<string>;
  }
}

export const pages = fastifyPlugin<{ production: boolean }>(
  async (app: FastifyInstance, { production }) => {
    const eta = new Eta({ views: VIEWS_DIR, cache: production, autoEscape: true });
    await app.register(fastifyView, {
      engine: { eta },
      root: VIEWS_DIR,
      layout: 'layout.eta',
      production,
    });

    app.decorateReply('page', async function (this: FastifyReply, view: string, data: PageData, status = 200) {
      const session = this.request.session;
      const query = this.request.query as Record<string, unknown> | undefined;
      this.code(status).header('cache-control', 'no-store');
      return this.viewAsync(`${view}.eta`, {
        user: session?.data.user,
        csrf: session ? { field: CSRF_FIELD, token: session.data.csrfToken } : undefined,
        notice: noticeText(query?.notice),
        format: { price, date, orderReference },
        ...data,
      });
    });
  },
  { name: 'storefront-pages', fastify: '5.x', dependencies: ['storefront-sessions'] },
);

// Sessions on every page request: `request.session` is the live session the cookie names (or undefined), and the
// reply starts one for a visitor about to see a form, replaces it at sign-in (a new id, so an id planted before
// sign-in is worthless after) and ends it at sign-out.
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { type SecureSetting, type SessionCookie, sessionCookie } from './session-cookie.js';
import type { SessionStore } from './session-store.js';
import type { Session, SessionData } from './sessions.types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The browser's live session, or undefined for a visitor without one. */
    session: Session | undefined;
  }
  interface FastifyReply {
    /** The live session, started now for a visitor without one (every form needs its CSRF token). */
    ensureSession(): Promise<Session>;
    /** A new session (new id, new CSRF token) holding the user and tokens replaces the current one. */
    signIn(data: Required<Omit<SessionData, 'csrfToken'>>): Promise<Session>;
    /** Ends the current session, in the database and in the browser. */
    endSession(): Promise<void>;
  }
}

export interface SessionsPluginOptions {
  store: SessionStore;
  secure: SecureSetting;
  /** The cookie's Max-Age: the longest a session can live. */
  absoluteSeconds: number;
}

export const sessions = fastifyPlugin<SessionsPluginOptions>(
  async (app: FastifyInstance, { store, secure, absoluteSeconds }) => {
    await app.register(fastifyCookie);
    const cookieOf = (reply: FastifyReply): SessionCookie =>
      sessionCookie(secure, reply.request.protocol === 'https', absoluteSeconds);

    app.decorateRequest('session', undefined);

    app.addHook('onRequest', async (request, reply) => {
      const cookie = cookieOf(reply);
      const id = request.cookies[cookie.name];
      if (id === undefined) return;
      request.session = await store.load(id);
      // an expired or unknown id: drop it, so the browser stops sending it
      if (!request.session) reply.clearCookie(cookie.name, { ...cookie.options, maxAge: undefined });
    });

    const start = async (reply: FastifyReply, data: Omit<SessionData, 'csrfToken'>) => {
      const session = await store.create(data);
      const cookie = cookieOf(reply);
      reply.setCookie(cookie.name, session.id, cookie.options);
      reply.request.session = session;
      return session;
    };

    app.decorateReply('ensureSession', async function (this: FastifyReply) {
      return this.request.session ?? start(this, {});
    });

    app.decorateReply('signIn', async function (this: FastifyReply, data: Required<Omit<SessionData, 'csrfToken'>>) {
      const previous = this.request.session;
      if (previous) await store.destroy(previous.id);
      return start(this, data);
    });

    app.decorateReply('endSession', async function (this: FastifyReply) {
      const current = this.request.session;
      if (current) await store.destroy(current.id);
      this.request.session = undefined;
      const cookie = cookieOf(this);
      this.clearCookie(cookie.name, { ...cookie.options, maxAge: undefined });
    });
  },
  { name: 'storefront-sessions', fastify: '5.x' },
);

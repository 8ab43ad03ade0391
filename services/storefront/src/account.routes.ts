// Creating an account, logging in and out. Logging in (or registering, which logs in) puts the gateway's tokens in
// a brand-new server-side session; logging out revokes the refresh token at the gateway and ends the session.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type GatewayClient, GatewayProblem } from './gateway-client.js';
import { messageFor } from './gateway-messages.js';
import { localPath } from './page-errors.js';
import { sessionTokens } from './session-tokens.js';
import { contextOf } from './signed-in-calls.js';

export interface AccountRoutesOptions {
  gateway: GatewayClient;
  leewaySeconds: number;
}

const text = (maxLength: number) => Type.String({ maxLength });
const loginBodySchema = Type.Object({
  email: text(320),
  password: text(1024),
  next: Type.Optional(text(512)),
});
const registerBodySchema = Type.Object({
  name: Type.Optional(text(100)),
  email: text(320),
  password: text(1024),
});
const loginQuerySchema = Type.Object({ next: Type.Optional(Type.String()), notice: Type.Optional(Type.String()) });

// the same rule as auth's (CONTRACT: 400 for an invalid email or a password under 8 characters), checked here first
// so the message can sit next to the field
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 8;

type FieldErrors = Partial<Record<'name' | 'email' | 'password' | 'form', string>>;

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (
  app,
  { gateway, leewaySeconds },
) => {
  async function logIn(request: FastifyRequest, reply: FastifyReply, email: string, password: string) {
    const ctx = contextOf(request);
    const pair = await gateway.login(ctx, { email, password });
    const tokens = sessionTokens(pair, leewaySeconds);
    const user = await gateway.me(ctx, tokens.accessToken);
    await reply.signIn({ user: { id: user.id, email: user.email, name: user.name }, tokens });
  }

  app.get('/login', { schema: { querystring: loginQuerySchema } }, async (request, reply) => {
    await reply.ensureSession();
    const next = localPath(request.query.next);
    return reply.page('login', { title: 'Log in', values: { email: '', next }, errors: {} });
  });

  app.post('/login', { schema: { body: loginBodySchema } }, async (request, reply) => {
    const { email, password } = request.body;
    const next = localPath(request.body.next);
    const errors: FieldErrors = {};
    if (!email.trim()) errors.email = 'Enter your email address.';
    if (!password) errors.password = 'Enter your password.';
    if (Object.keys(errors).length === 0) {
      try {
        await logIn(request, reply, email.trim(), password);
        return reply.redirect(next ?? '/?notice=logged-in', 303);
      } catch (error) {
        if (!(error instanceof GatewayProblem)) throw error;
        errors.form =
          error.status === 401 || error.status === 400
            ? 'The email or the password is not right. Check both and try again.'
            : error.status === 429
              ? `Too many attempts to log in. ${messageFor(error)}`
              : messageFor(error);
        if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
        const status = error.status === 400 ? 401 : error.status >= 500 ? 503 : error.status;
        return reply.page('login', { title: 'Log in', values: { email, next }, errors }, status);
      }
    }
    return reply.page('login', { title: 'Log in', values: { email, next }, errors }, 400);
  });

  app.get('/register', async (_request, reply) => {
    await reply.ensureSession();
    return reply.page('register', { title: 'Create an account', values: { name: '', email: '' }, errors: {} });
  });

  app.post('/register', { schema: { body: registerBodySchema } }, async (request, reply) => {
    const name = request.body.name?.trim() ?? '';
    const email = request.body.email.trim();
    const { password } = request.body;
    const errors: FieldErrors = {};
    if (!EMAIL.test(email)) errors.email = 'Enter an email address like name@example.com.';
    if (password.length < MIN_PASSWORD_LENGTH) {
      errors.password = `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`;
    }
    let status = 400;
    if (Object.keys(errors).length === 0) {
      try {
        await gateway.register(contextOf(request), { email, password, ...(name ? { name } : {}) });
        await logIn(request, reply, email, password);
        return reply.redirect('/?notice=registered', 303);
      } catch (error) {
        if (!(error instanceof GatewayProblem)) throw error;
        status = error.status >= 500 ? 503 : error.status;
        if (error.status === 409) errors.email = 'An account with this email already exists. Log in instead.';
        else if (error.status === 400) errors.form = `The shop did not accept this: ${error.detail}`;
        else errors.form = messageFor(error);
        if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      }
    }
    return reply.page('register', { title: 'Create an account', values: { name, email }, errors }, status);
  });

  app.post('/logout', async (request, reply) => {
    const refreshToken = request.session?.data.tokens?.refreshToken;
    if (refreshToken) {
      try {
        await gateway.logout(contextOf(request), refreshToken);
      } catch (error) {
        // the session ends here anyway; the refresh token then expires unused
        request.log.warn({ err: error }, 'could not revoke the refresh token at logout');
      }
    }
    await reply.endSession();
    return reply.redirect('/?notice=logged-out', 303);
  });
};

// The one place where what goes wrong behind a page becomes what a person sees: a login wall becomes a redirect
// to the login page, a problem from the gateway a readable page, a failure of a kind (a rejected form, the session
// storage away) a page with the status service-kit's one mapping gives that kind, and anything unforeseen a plain
// apology (logged, never shown).
import { classifyFailure, type FailureKind, httpStatusOf } from '@platform/service-kit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayProblem } from './gateway-client.js';
import { messageFor } from './gateway-messages.js';
import { LoginRequired } from './signed-in-calls.js';

/** A path of this site to come back to; anything else (another host, `//evil`, a backslash trick) is dropped. */
export function localPath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(value) && value.length <= 512 ? value : undefined;
}

export function loginUrl(returnTo: string | undefined, notice?: string): string {
  const query = new URLSearchParams();
  if (notice) query.set('notice', notice);
  if (returnTo && returnTo !== '/') query.set('next', returnTo);
  const text = query.toString();
  return text ? `/login?${text}` : '/login';
}

export function handlePageErrors(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof LoginRequired) {
      if (error.reason === 'session-ended') await reply.endSession();
      const returnTo = error.returnTo ?? (request.method === 'GET' ? localPath(request.url) : undefined);
      return reply.redirect(loginUrl(returnTo, error.reason === 'session-ended' ? 'session-ended' : undefined), 303);
    }
    if (error instanceof GatewayProblem) {
      if (error.status >= 500) request.log.warn({ err: error }, 'gateway problem');
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      const status = error.status === 404 || error.status === 429 ? error.status : error.status >= 500 ? 503 : 502;
      const title = error.status === 404 ? 'Not found' : 'Please try again';
      return errorPage(reply, status, title, messageFor(error));
    }
    if (error.validation) {
      return errorPage(reply, 400, 'Something is missing', 'The form was not complete. Go back and try again.');
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return errorPage(reply, error.statusCode, 'Please try again', 'The shop could not read that request.');
    }
    const failure = classifyFailure(error);
    if (failure) {
      const page = PAGES[failure.kind] ?? OTHER_FAILURE;
      request.log[failure.kind === 'unavailable' ? 'error' : 'warn']({ err: error }, page.log);
      return errorPage(reply, httpStatusOf(failure.kind), page.title, page.message);
    }
    request.log.error({ err: error }, 'page failed');
    return errorPage(reply, 500, 'Something went wrong', 'Something went wrong on our side. Please try again.');
  });
}

// What a person reads for a failure of each kind the shop itself meets (the gateway's answers are above)
const PAGES: Partial<Record<FailureKind, { title: string; message: string; log: string }>> = {
  forbidden: {
    title: 'This form has expired',
    message: 'For your safety we did not accept it. Go back, reload the page and try again.',
    log: 'form rejected',
  },
  unavailable: {
    title: 'Please try again',
    message: 'The shop cannot serve you right now. Please try again in a moment.',
    log: 'session storage unavailable',
  },
};

const OTHER_FAILURE = {
  title: 'Please try again',
  message: 'Something went wrong on our side. Please try again.',
  log: 'request refused',
};

/** Any GET this shop has no page for. */
export function notFoundPage(_request: FastifyRequest, reply: FastifyReply) {
  return errorPage(reply, 404, 'Page not found', 'There is no page at this address. Browse the products instead.');
}

function errorPage(reply: FastifyReply, status: number, title: string, message: string) {
  return reply.page('error', { title, message }, status);
}

// The browser's own defences, through helmet: a strict Content-Security-Policy (scripts and styles only from this
// origin, no inline script, no framing, forms only to this origin), and the usual headers against MIME sniffing,
// clickjacking and leaking addresses to other sites.
import type { FastifyHelmetOptions } from '@fastify/helmet';

export const securityHeaders: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  // same-origin, not no-referrer: with no-referrer the browser sends `Origin: null` on the shop's own form posts,
  // and the CSRF check needs their real origin
  referrerPolicy: { policy: 'same-origin' },
  crossOriginEmbedderPolicy: false,
};

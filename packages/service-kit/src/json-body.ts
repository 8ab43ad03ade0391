// The JSON body parser of every HTTP server: fastify's own (which refuses __proto__ and constructor.prototype
// poisoning), behind a nesting bound. A body nested thousands of levels deep parses fine, then overflows the stack
// of whatever walks it recursively afterwards (JSON.stringify when the gateway forwards it, a logger, a validator):
// a 500 for bad input. Refused here as a 400, before anything walks it.
import type { FastifyBodyParser, FastifyError } from 'fastify';

/** Far deeper than any body of the platform's APIs (three levels at most), far shallower than any stack. */
export const MAX_JSON_DEPTH = 32;

/** True when arrays and objects in `text` nest deeper than `maxDepth`; brackets inside strings do not count. */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      // backslash: the next character is escaped, whatever it is
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return false;
}

class JsonTooDeepError extends Error implements Pick<FastifyError, 'statusCode' | 'code'> {
  readonly statusCode = 400;
  readonly code = 'PLATFORM_JSON_TOO_DEEP';
  constructor(maxDepth: number) {
    super(`The JSON body nests deeper than ${maxDepth} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/** Wraps fastify's default JSON parser (given as `parse`) with the nesting bound. */
export function depthBoundedJsonParser(
  parse: FastifyBodyParser<string>,
  maxDepth = MAX_JSON_DEPTH,
): FastifyBodyParser<string> {
  return (request, body, done) => {
    if (jsonNestsDeeperThan(body, maxDepth)) {
      done(new JsonTooDeepError(maxDepth), undefined);
      return;
    }
    return parse(request, body, done);
  };
}

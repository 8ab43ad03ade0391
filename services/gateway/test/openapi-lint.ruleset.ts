// The rulesets /openapi.json is held to, and every exception to them with its reason. Redocly's `recommended`
// and Spectral's OWASP API Security ruleset apply as published; an exception names the rule, where it applies (a
// pattern over the finding's path in the document) and why. An exception that no longer matches anything fails
// the test too, so this list only ever holds live decisions.
import owasp from '@stoplight/spectral-owasp-ruleset';

export const redoclyRuleset = { extends: ['recommended'] };

export const spectralRuleset = { extends: [owasp] };

export interface LintException {
  /** The rule's id as the tool reports it, e.g. `owasp:api2:2023-read-restricted` or `no-server-example.com`. */
  rule: string;
  /** Matched against the finding's location, a dotted path such as `paths./api/orders.get.security`. */
  where: RegExp;
  reason: string;
}

const PUBLIC_OPERATIONS =
  /^paths\.\/(\.well-known\/(jwks\.json|openid-configuration|oauth-authorization-server)|api\/catalog\/products(\/\{id\})?|api\/auth\/(register|login|refresh|logout))\./;

export const exceptions: LintException[] = [
  {
    rule: 'owasp:api2:2023-read-restricted',
    where: PUBLIC_OPERATIONS,
    reason: 'Public by the contract: the catalog and the discovery documents are read without a token.',
  },
  {
    rule: 'owasp:api2:2023-write-restricted',
    where: PUBLIC_OPERATIONS,
    reason: 'Public by the contract: register, login, refresh and logout are how a client gets or drops a token.',
  },
  {
    rule: 'owasp:api8:2023-define-error-responses-401',
    where:
      /^paths\.\/(\.well-known\/(jwks\.json|openid-configuration|oauth-authorization-server)|api\/catalog\/products(\/\{id\})?|api\/auth\/register)\./,
    reason:
      'These operations take no credentials, so they never answer 401 (login, refresh and logout do, and say so).',
  },
  {
    rule: 'owasp:api8:2023-define-error-validation',
    where:
      /^paths\.\/(\.well-known\/(jwks\.json|openid-configuration|oauth-authorization-server)|api\/catalog\/products|api\/orders|api\/auth\/me)\.get\./,
    reason: 'No parameters and no body: there is nothing to validate, so no 400 can come back.',
  },
  {
    rule: 'owasp:api3:2023-no-additionalProperties',
    where: /(^components\.schemas\.Problem|application\/problem\+json\.schema)\.additionalProperties$/,
    reason:
      'RFC 9457 lets a problem carry extension members (the validation errors of a 400); maxProperties bounds them.',
  },
  {
    rule: 'owasp:api4:2023-string-restricted',
    where:
      /(Problem|problem\+json\.schema)\.properties\.(title|detail)$|properties\.(name|description)$|items\.properties\.(name|description)$/,
    reason:
      'Free text a person writes or reads (names, descriptions, problem titles and details): bounded, no pattern fits.',
  },
  {
    rule: 'owasp:api4:2023-string-restricted',
    where: /^paths\.\/api\/auth\/login\.post\.requestBody\..*\.properties\.email$/,
    reason:
      'Login deliberately does not check the email\u2019s shape: a malformed one is the same 401 as a wrong password.',
  },
  {
    rule: 'owasp:api4:2023-string-restricted',
    where: /^paths\.\/api\/auth\/(refresh|logout)\.post\.requestBody\..*\.properties\.refreshToken$/,
    reason: 'A presented refresh token is opaque: a malformed one is the same 401 as an unknown or spent one.',
  },
  {
    rule: 'owasp:api9:2023-inventory-environment',
    where: /^servers\.0\.description$/,
    reason:
      'The one server is the PUBLIC_URL of whichever deployment serves the document (a laptop, staging or ' +
      'production alike): the gateway is told its address, not the name of its environment.',
  },
];

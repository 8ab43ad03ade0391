// Tokens are checked the way auth issues them. Every service names one issuer, the PUBLIC_URL auth signs with: the
// platform's public address, never an address inside the cluster, since clients fetch the issuer's metadata under it;
// every verifier fetches the JWKS from auth's Service (the only part that stays internal). In the mesh, the
// RequestAuthentication's issuer is that PUBLIC_URL, its jwksUri auth's Service, its audience the platform's; and what
// the gateway's sidecar answers itself is what the contract says: a bad token gets 401 with WWW-Authenticate: Bearer
// and a problem body, a policy's 403 stays a 403 problem, and no DENY policy answers for a missing token (the
// contract's answer is the gateway's 401, not the policy's 403).
import { containerEnv, find, type KubeObject, ofKind, ref, workloads } from '../kube-object.js';
import { platformNamespace } from '../platform-services.js';

interface JwtRule {
  issuer?: string;
  jwksUri?: string;
  audiences?: string[];
  forwardOriginalToken?: boolean;
}

const VERIFIERS = ['gateway', 'catalog', 'orders'] as const;
const JWKS_PATH = '/.well-known/jwks.json';

export function serviceEnv(objects: KubeObject[], app: string): Map<string, string | undefined> {
  const w = workloads(objects).find((p) => p.namespace === platformNamespace && p.podLabels.app === app);
  const container = w?.podSpec.containers[0];
  return w && container ? containerEnv(objects, w.namespace, container) : new Map();
}

/** Why `url` is not a public origin clients can fetch the issuer's metadata under, or undefined when it is one. */
function notPublicOrigin(objects: KubeObject[], url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== url)
    return 'is not an http(s) origin without a path (the services refuse it)';
  // a Service's name, alone or with its namespace, or any name under .svc: what cluster DNS answers
  const host = parsed.hostname;
  const [first = '', second, ...rest] = host.split('.');
  const services = new Set(ofKind(objects, 'Service').map((s) => s.metadata.name));
  const namespaces = new Set([platformNamespace, ...ofKind(objects, 'Namespace').map((n) => n.metadata.name)]);
  const serviceName = services.has(first) && (second === undefined || (rest.length === 0 && namespaces.has(second)));
  if (serviceName || /\.svc(\.cluster\.local)?$/.test(host))
    return "is an address inside the cluster: clients cannot fetch the issuer's metadata there";
  return undefined;
}

/** Why `url` is not where auth serves its JWKS through its Service, or undefined when it is. */
function notAuthJwks(objects: KubeObject[], url: string | undefined, authPort: string | undefined): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '');
  } catch {
    return 'is not a URL';
  }
  const [name, namespace] = parsed.hostname.split('.');
  const service = find(objects, 'Service', name ?? '', namespace ?? platformNamespace);
  const ports = (service?.spec as { ports?: { port: number }[] } | undefined)?.ports ?? [];
  if (name !== 'auth' || !ports.some((p) => String(p.port) === parsed.port))
    return `host ${parsed.host} is not the auth Service's address`;
  if (parsed.port !== authPort) return `port ${parsed.port} is not auth's PORT`;
  if (parsed.pathname !== JWKS_PATH) return `path ${parsed.pathname} is not ${JWKS_PATH}`;
  return undefined;
}

/** One public issuer for every service, and the JWKS from auth's Service: for every overlay, mesh or not. */
export function checkTokenIssuer(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const authEnv = serviceEnv(objects, 'auth');
  const issuer = authEnv.get('PUBLIC_URL');
  const audience = authEnv.get('JWT_AUDIENCE');
  if (!issuer || audience !== 'platform-api')
    problems.push(`auth: PUBLIC_URL ${issuer} / JWT_AUDIENCE ${audience} not set as the contract says`);
  const notPublic = issuer ? notPublicOrigin(objects, issuer) : undefined;
  if (notPublic) problems.push(`auth: PUBLIC_URL ${issuer} ${notPublic}`);
  for (const app of VERIFIERS) {
    const env = serviceEnv(objects, app);
    if (env.get('PUBLIC_URL') !== issuer)
      problems.push(`${app}: expects issuer ${env.get('PUBLIC_URL')} (PUBLIC_URL), auth issues ${issuer}`);
    if (app === 'catalog') {
      // catalog takes only service tokens (orders' client credentials), never a user's: its audience must differ
      if ((env.get('SERVICE_TOKEN_AUDIENCE') ?? 'catalog') === audience)
        problems.push(`catalog: SERVICE_TOKEN_AUDIENCE is ${audience}, the users' audience: a user's token would do`);
    } else if (env.get('JWT_AUDIENCE') !== audience)
      problems.push(`${app}: expects audience ${env.get('JWT_AUDIENCE')}, auth issues ${audience}`);
    const jwks = notAuthJwks(objects, env.get('JWKS_URL'), authEnv.get('PORT'));
    if (jwks) problems.push(`${app}: JWKS_URL ${env.get('JWKS_URL')}: ${jwks}`);
  }
  return problems;
}

export function checkJwtPolicy(objects: KubeObject[]): string[] {
  const problems = checkTokenIssuer(objects);
  const authEnv = serviceEnv(objects, 'auth');
  const issuer = authEnv.get('PUBLIC_URL');
  const audience = authEnv.get('JWT_AUDIENCE');

  const requestAuthentications = ofKind(objects, 'RequestAuthentication');
  const onGateway = requestAuthentications.filter(
    (r) => (r.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels?.app === 'gateway',
  );
  if (onGateway.length !== 1) problems.push(`RequestAuthentication: ${onGateway.length} select the gateway, want 1`);
  for (const ra of onGateway) {
    for (const rule of (ra.spec as { jwtRules?: JwtRule[] }).jwtRules ?? []) {
      if (rule.issuer !== issuer) problems.push(`${ref(ra)}: issuer ${rule.issuer}, auth issues ${issuer}`);
      // fetched in the cluster, as the services fetch it; left out, Istio would discover it from the public issuer
      const jwks = notAuthJwks(objects, rule.jwksUri, authEnv.get('PORT'));
      if (jwks) problems.push(`${ref(ra)}: jwksUri ${rule.jwksUri}: ${jwks}`);
      if (!rule.audiences?.includes(audience ?? ''))
        problems.push(`${ref(ra)}: audiences ${rule.audiences} lack ${audience}`);
      if (rule.forwardOriginalToken !== true)
        problems.push(`${ref(ra)}: does not forward the token the services check again`);
    }
  }

  if (onGateway.length > 0) problems.push(...checkContractReplies(objects));
  for (const policy of ofKind(objects, 'AuthorizationPolicy')) {
    const spec = policy.spec as {
      action?: string;
      selector?: { matchLabels?: Record<string, string> };
      rules?: { from?: { source: { notRequestPrincipals?: string[] } }[] }[];
    };
    const onGatewayPods = !spec.selector || spec.selector.matchLabels?.app === 'gateway';
    const missingToken = (spec.rules ?? []).some((r) =>
      (r.from ?? []).some((f) => f.source.notRequestPrincipals?.includes('*')),
    );
    if (spec.action === 'DENY' && onGatewayPods && missingToken)
      problems.push(
        `${ref(policy)}: denies requests without a token with 403; the contract answers them 401 (the gateway does)`,
      );
  }
  return problems;
}

interface LocalReplyMapper {
  filter?: { status_code_filter?: { comparison?: { value?: { default_value?: number } } } };
  status_code?: number;
  headers_to_add?: { header: { key: string; value: string } }[];
  body_format_override?: { content_type?: string; json_format?: { status?: number } };
}

/**
 * The sidecar's own 401 (a token that does not verify) leaves the gateway as the contract's 401 with
 * WWW-Authenticate: Bearer and a problem body; its 403 (a caller the mesh does not allow) as a 403 problem. No reply
 * changes status: a 403 turned into "bearer token required" would tell a mesh-internal caller a lie.
 */
function checkContractReplies(objects: KubeObject[]): string[] {
  const mappers = ofKind(objects, 'EnvoyFilter')
    .filter(
      (f) =>
        (f.spec as { workloadSelector?: { labels?: Record<string, string> } }).workloadSelector?.labels?.app ===
        'gateway',
    )
    .flatMap((f) => (f.spec as { configPatches?: { patch?: { value?: unknown } }[] }).configPatches ?? [])
    .flatMap(
      (p) =>
        (p.patch?.value as { typed_config?: { local_reply_config?: { mappers?: LocalReplyMapper[] } } } | undefined)
          ?.typed_config?.local_reply_config?.mappers ?? [],
    );
  const problems: string[] = [];
  for (const mapper of mappers) {
    const from = mapper.filter?.status_code_filter?.comparison?.value?.default_value;
    if (mapper.status_code !== undefined && mapper.status_code !== from)
      problems.push(`EnvoyFilter: the gateway sidecar's own ${from} leaves as ${mapper.status_code}`);
  }
  for (const status of [401, 403]) {
    const mapper = mappers.find((m) => m.filter?.status_code_filter?.comparison?.value?.default_value === status);
    const problemBody =
      mapper?.body_format_override?.content_type === 'application/problem+json' &&
      mapper.body_format_override.json_format?.status === status;
    const bearer =
      status !== 401 ||
      mapper?.headers_to_add?.some(
        (h) => h.header.key.toLowerCase() === 'www-authenticate' && /^Bearer/.test(h.header.value),
      );
    if (!mapper || !problemBody || !bearer)
      problems.push(
        `EnvoyFilter: the gateway sidecar's own ${status} does not leave as the contract's ${status} problem details${status === 401 ? ' with WWW-Authenticate: Bearer' : ''}`,
      );
  }
  return problems;
}

// Retries only what may be sent twice. Istio retries every HTTP route twice unless told otherwise (connect-failure,
// refused-stream, unavailable, cancelled, 503), POSTs included: the install profile turns that default off
// (meshConfig.defaultHttpRetryPolicy.attempts: 0), and each route that retries is one that only carries idempotent
// requests: at the edge, the contract's GETs and the shop's page loads; inside, the gRPC reads
// (idempotentGrpcMethods). A try never outlasts its route's timeout.
import { grpcMethods } from '../grpc-methods.js';
import { type IstioRoute, istioIngressRoutes, istioRouteFor, type Request } from '../ingress-routing.js';
import { type KubeObject, ofKind, ref } from '../kube-object.js';
import { idempotentGrpcMethods, platformServices, publicApi, requestFlow, shopPages } from '../platform-services.js';
import { milliseconds } from './mesh-timeouts.check.js';

/** Istio's own default when the mesh config says nothing. */
const istioDefaultAttempts = 2;

export function meshDefaultRetryAttempts(istioInstall: KubeObject[]): number {
  const operator = istioInstall.find((o) => o.kind === 'IstioOperator');
  const policy = (operator?.spec as { meshConfig?: { defaultHttpRetryPolicy?: { attempts?: number } } } | undefined)
    ?.meshConfig?.defaultHttpRetryPolicy;
  return policy?.attempts ?? istioDefaultAttempts;
}

export function checkRetries(objects: KubeObject[], istioInstall: KubeObject[]): string[] {
  const problems: string[] = [];
  const defaultAttempts = meshDefaultRetryAttempts(istioInstall);
  if (defaultAttempts !== 0)
    problems.push(
      `IstioOperator: meshConfig.defaultHttpRetryPolicy retries every route ${defaultAttempts} times unless it says otherwise, POSTs included; set attempts: 0`,
    );
  const inspect = (vs: KubeObject, request: Request, idempotent: boolean, what: string) => {
    const route: IstioRoute | undefined = istioRouteFor(vs, request);
    if (!route || route.directResponse) return;
    const attempts = route.retries?.attempts ?? defaultAttempts;
    if (attempts > 0 && !idempotent)
      problems.push(
        `${ref(vs)}: route ${route.name ?? '(unnamed)'} retries ${what} (${attempts} attempts), which is not idempotent`,
      );
    const perTry = milliseconds(route.retries?.perTryTimeout);
    const timeout = milliseconds(route.timeout);
    if (attempts > 0 && perTry !== undefined && timeout !== undefined && perTry > timeout)
      problems.push(
        `${ref(vs)}: route ${route.name} lets a try last ${route.retries?.perTryTimeout}, past its timeout ${route.timeout}`,
      );
  };
  for (const vs of istioIngressRoutes(objects)) {
    for (const request of [...publicApi, ...shopPages])
      inspect(vs, request, request.idempotent, `${request.method} ${request.path}`);
  }
  for (const target of platformServices.filter((s) => s.grpcPort !== undefined)) {
    const vs = ofKind(objects, 'VirtualService').find((v) =>
      ((v.spec as { hosts?: string[] }).hosts ?? []).some((h) => h.startsWith(`${target.name}.`)),
    );
    if (!vs) continue;
    const callers = requestFlow.filter((c) => c.includes(`->${target.name}:`)).map((c) => c.split('->')[0] ?? '');
    for (const caller of callers) {
      for (const method of grpcMethods(target.name)) {
        inspect(
          vs,
          { method: 'POST', path: method, sourceLabels: { app: caller } },
          idempotentGrpcMethods.includes(method),
          `${caller}'s ${method}`,
        );
      }
    }
  }
  return problems;
}

/** Every method named idempotent is one a proto declares, so a rename cannot leave a write retried. */
export function checkIdempotentMethodsExist(): string[] {
  const declared = new Set(platformServices.flatMap((s) => grpcMethods(s.name)));
  return idempotentGrpcMethods
    .filter((m) => !declared.has(m))
    .map((m) => `idempotentGrpcMethods: ${m} is declared by no .proto in packages/contracts`);
}

// What the list says about one service: enough for every place the platform runs (the launcher, compose,
// Kubernetes, Istio) to be derived from it or checked against it. The list itself is services.ts.

/**
 * How a service is reached. `http`: one HTTP port serves its API and /healthz, /readyz, /metrics (`PORT`).
 * `grpc`: its API on a gRPC port (`GRPC_PORT`) and an ops HTTP port for the rest (`OPS_PORT`). `worker`: no API,
 * only the ops HTTP port (`OPS_PORT`).
 */
export type ServiceKind = 'http' | 'grpc' | 'worker';

/** The contract's port numbers (docs/contract.md), the same in process mode, compose and Kubernetes. */
export interface ServicePorts {
  readonly http?: number;
  readonly grpc?: number;
  readonly ops?: number;
}

export type PortRole = keyof ServicePorts;

/** One call of the request flow, from the caller's side. */
export interface Call {
  /** The service called. */
  readonly service: string;
  /** What for, in a few words: the comments of the generated policies say it. */
  readonly why: string;
  /**
   * The variables the caller finds the callee by, each with the path it appends to the callee's HTTP address
   * (`''` for the base URL). Unset: `<CALLEE>_ADDR` (`host:port`) for a gRPC callee, `<CALLEE>_URL`
   * (`http://host:port`) for an HTTP one.
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The caller acts on the callee's data as itself, with a client-credentials token of its own from the token
   * issuer (audience: the callee), not with a user's token. Makes it an OAuth client of the issuer: a secret of its
   * own, and the issuer's registry names it.
   */
  readonly asItself?: boolean;
}

/** A route of the public API (docs/contract.md) that reaches this service through the API edge. */
export interface PublicRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As the client sends it, `:name` for a path parameter: `/api/orders/:id`. */
  readonly path: string;
  /** Needs a bearer token (the edge checks it; the service checks it again). */
  readonly bearer: boolean;
  /** Safe to send twice: the edge may retry it. */
  readonly idempotent: boolean;
}

/**
 * Pods in Kubernetes: an autoscaler's bounds (its base; overlays may resize), or a fixed count (0: deployed but off
 * until scaled up by hand, like the load generator).
 */
export type Replicas = { readonly min: number; readonly max: number } | number;

export interface ServiceEntry {
  /** One name everywhere: services/<name>, @platform/<name>, image platform/<name>, Deployment, compose service. */
  readonly name: string;
  /** What it is for, in one line. */
  readonly summary: string;
  readonly kind: ServiceKind;
  readonly ports: ServicePorts;
  /** Keeps its data in a PostgreSQL database and role of its own (`DATABASE_URL`). */
  readonly storage?: 'postgres';
  /** Keeps files under the launcher's DATA_DIR in process mode (`DATA_DIR`). */
  readonly dataDir?: boolean;
  /**
   * Issues the platform's tokens: holds the JWT key ring, serves the JWKS, and keeps the registry of the service
   * clients (`asItself` callers) with the hash of each one's secret. Exactly one service does.
   */
  readonly tokenIssuer?: boolean;
  /**
   * The public API's one entry: every public route of every service reaches it first, the ingress sends it
   * `/api` and `/.well-known`, and the launcher's GATEWAY_HOST moves it. Exactly one service is.
   */
  readonly apiEdge?: boolean;
  /** Whom it calls. */
  readonly calls: readonly Call[];
  /** Routes of the public API served for it through the API edge. */
  readonly publicRoutes?: readonly PublicRoute[];
  /**
   * Reached from outside the platform: the ingress sends these path prefixes to it, compose publishes its port on
   * loopback, and `npm start` prints its address.
   */
  readonly ingress?: { readonly paths: readonly string[] };
  /**
   * Off unless asked for: `npm start -- --with-load`, compose's `load` profile, 0 replicas in Kubernetes. Nothing
   * may call it.
   */
  readonly optional?: boolean;
  readonly replicas: Replicas;
  /**
   * Variables only process mode sets (compose and Kubernetes set their own in their files), e.g. whose
   * X-Forwarded-For a service believes when everything runs on loopback.
   */
  readonly processEnv?: Readonly<Record<string, string>>;
}

// The public API as the edge sees it: every route of every service, each reaching its service through the API edge.
import type { PublicRoute, ServiceEntry } from './service-entry.js';

export interface PublicApiRoute extends PublicRoute {
  /** The service that answers it behind the edge. */
  service: string;
}

export const publicApi = (list: readonly ServiceEntry[]): PublicApiRoute[] =>
  list.flatMap((s) => (s.publicRoutes ?? []).map((route) => ({ ...route, service: s.name })));

/** A concrete path for a route with parameters (`:id` -> a fixed UUID), for following it through the edge. */
export const examplePath = (path: string) => path.replace(/:[A-Za-z]+/g, '0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a');

/** The one service that is the public API's entry. */
export function apiEdge(list: readonly ServiceEntry[]): ServiceEntry {
  const edge = list.find((s) => s.apiEdge);
  if (!edge) throw new Error('no service of the list is the API edge');
  return edge;
}

// The services that call another as themselves: OAuth clients of the token issuer's client-credentials grant, each
// with a secret of its own and the audiences (the services it calls as itself) its tokens may carry.
import type { ServiceEntry } from './service-entry.js';

export interface ServiceClient {
  clientId: string;
  audiences: readonly string[];
}

export function serviceClients(list: readonly ServiceEntry[]): ServiceClient[] {
  return list.flatMap((service) => {
    const audiences = service.calls.filter((call) => call.asItself).map((call) => call.service);
    return audiences.length === 0 ? [] : [{ clientId: service.name, audiences }];
  });
}

/** The one service that issues tokens and keeps the registry of the clients. */
export function tokenIssuer(list: readonly ServiceEntry[]): ServiceEntry {
  const issuer = list.find((s) => s.tokenIssuer);
  if (!issuer) throw new Error('no service of the list is the token issuer');
  return issuer;
}

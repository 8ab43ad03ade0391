// The services in an order that starts each one after the services it calls, so that dependencies come up first.
import type { ServiceEntry } from './service-entry.js';

export function inCallOrder<S extends ServiceEntry>(list: readonly S[]): S[] {
  const ordered: S[] = [];
  const visit = (service: S, path: readonly string[]) => {
    if (ordered.includes(service) || path.includes(service.name)) return;
    for (const call of service.calls) {
      const callee = list.find((s) => s.name === call.service);
      if (callee) visit(callee, [...path, service.name]);
    }
    ordered.push(service);
  };
  for (const service of list) visit(service, []);
  return ordered;
}

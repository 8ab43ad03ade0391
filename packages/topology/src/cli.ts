// The list for shell scripts: `platform-topology <command>` prints one record per line, fields separated by spaces,
// so a script can `while read -r ...` over it without parsing JSON.
import { databases } from './databases.js';
import { requestFlow } from './request-flow.js';
import { serviceClients } from './service-clients.js';
import type { ServiceEntry } from './service-entry.js';
import { services } from './services.js';
import { topologyProblems } from './validate.js';

const USAGE = `usage: platform-topology <command>
  names       every service, one a line
  databases   "<service> <database>" for each service with a database (its role has the same name)
  clients     "<client> <audience>,..." for each service that calls another as itself
  flow        the request flow, "caller->callee:port" one a line
  json        the whole list
  check       the list's problems; exit 1 if there are any`;

/** The output of one command, or an error message (exit 1). */
export function runCommand(
  command: string | undefined,
  list: readonly ServiceEntry[] = services,
): { out: string; ok: boolean } {
  const lines = (rows: string[]) => ({ out: rows.map((row) => `${row}\n`).join(''), ok: true });
  switch (command) {
    case 'names':
      return lines(list.map((s) => s.name));
    case 'databases':
      return lines(databases(list).map((d) => `${d.service} ${d.database}`));
    case 'clients':
      return lines(serviceClients(list).map((c) => `${c.clientId} ${c.audiences.join(',')}`));
    case 'flow':
      return lines(requestFlow(list));
    case 'json':
      return { out: `${JSON.stringify(list, null, 2)}\n`, ok: true };
    case 'check': {
      const problems = topologyProblems(list);
      return { out: problems.map((p) => `${p}\n`).join(''), ok: problems.length === 0 };
    }
    default:
      return { out: `${command === undefined ? '' : `unknown command ${command}\n`}${USAGE}\n`, ok: false };
  }
}

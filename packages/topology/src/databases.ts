// The PostgreSQL databases of the platform: one database and one role of the same name per service with storage,
// owned by that role and closed to the others (process mode, compose and Kubernetes alike).
import { databaseName } from './naming.js';
import type { ServiceEntry } from './service-entry.js';

export interface ServiceDatabase {
  service: string;
  /** Database and role name: the service's name with `_` for `-`. */
  database: string;
}

export const databases = (list: readonly ServiceEntry[]): ServiceDatabase[] =>
  list.filter((s) => s.storage === 'postgres').map((s) => ({ service: s.name, database: databaseName(s.name) }));

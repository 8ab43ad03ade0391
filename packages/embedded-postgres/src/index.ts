// Public API of @platform/embedded-postgres.
export { BinariesMissingError, postgresBinaries } from './binaries.js';
export { DataDirLockedError } from './data-dir-lock.js';
export {
  type EmbeddedPostgres,
  type EmbeddedPostgresLogger,
  type EmbeddedPostgresOptions,
  type PreparedPostgres,
  prepareEmbeddedPostgres,
  startEmbeddedPostgres,
} from './embedded-postgres.js';
export type { ServerCommand } from './server-command.js';
export { ServerUserError } from './server-user.js';

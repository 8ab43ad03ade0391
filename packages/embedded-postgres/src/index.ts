// Public API of @platform/embedded-postgres.
export { DataDirLockedError } from './data-dir-lock.js';
export {
  type EmbeddedPostgres,
  type EmbeddedPostgresLogger,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded-postgres.js';

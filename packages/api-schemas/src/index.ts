// @platform/api-schemas: HTTP shapes of the public API that more than one service needs.
export * from './auth.schema.js';

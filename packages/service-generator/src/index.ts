// Public API of @platform/service-generator: what turbo/generators/config.ts runs for `npm run new:service`.
export {
  GRPC_PORTS,
  type NewService,
  type NewServiceOptions,
  newServiceNameProblem,
  OPS_PORTS,
  planNewService,
} from './new-service.js';
export { beforeMarker, type RenderSnippet, type ServiceEdit, serviceEdits } from './service-edits.js';
export {
  appendDocument,
  type DocumentPick,
  indexWhere,
  insertIntoCollection,
  type PathSegment,
  replaceScalar,
  valueAt,
  YamlEditError,
} from './yaml-edits.js';

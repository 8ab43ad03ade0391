// Request and response schemas of the auth routes (docs/contract.md, "Public HTTP API"); route types derive from them.
// The bodies and answers live in @platform/api-schemas, because the gateway publishes the very same ones.
import { type ProblemBody, problemSchema } from '@platform/service-kit';
import Type from 'typebox';

export {
  LoginBody,
  MeResponse,
  RefreshTokenBody,
  RegisterBody,
  TokenPairResponse,
  UserResponse,
} from '@platform/api-schemas';

// problemSchema carries an $id for the shared OpenAPI document; a route response embeds it without one
const { $id: _problemId, ...problemShape } = problemSchema;
export const Problem = Type.Unsafe<ProblemBody>(problemShape);

// @platform/service-bundler: a built service as one bundle (bundle/main.mjs), and the packages it leaves outside.
export {
  BUNDLE_DIR,
  BUNDLE_ENTRY,
  BundleError,
  type BundleOptions,
  type BundleResult,
  bundleService,
  packageOf,
} from './bundle-service.js';
export { RUNTIME_PACKAGES } from './runtime-packages.js';

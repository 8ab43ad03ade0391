#!/usr/bin/env node
// `bundle-service`: bundles the service in the current folder (src/cli.ts). The package is built before any service
// (each service lists it among its devDependencies, and turbo builds dependencies first).
await import('../dist/cli.main.js');

#!/usr/bin/env node
// Starts the auth service on service-kit's skeleton: tracing first, then the app, then an ordered shutdown.
import { runService } from '@platform/service-kit/run';
import { readConfig } from './config.js';

await runService({ name: 'auth', readConfig, app: () => import('./app.js') });

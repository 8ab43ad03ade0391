// The contract suite against a platform that is already running at E2E_BASE_URL (docker compose, a cluster).
import { defineContractSuite } from '../src/contract-suite.js';

const baseUrl = process.env.E2E_BASE_URL;
if (!baseUrl) throw new Error('E2E_BASE_URL is required, e.g. E2E_BASE_URL=http://127.0.0.1:8080');

defineContractSuite(() => baseUrl.replace(/\/$/, ''));

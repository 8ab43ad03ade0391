// Scenario 6 (start-up half): each service started alone as the launcher starts it, timed from spawn to its first
// /readyz 200, with the platform's other services already running as its dependencies.
import { type ServiceDefinition, serviceEnvironment, servicesFor } from '@platform/launcher';
import type { BenchContext, RunningPlatform } from '../bench-context.js';
import { measureStartup } from '../service-startup.js';
import { median, round } from '../statistics.js';

export interface StartupResult {
  /** Per service: every sample's ms to ready, their median, and resident MiB right after ready. */
  services: Record<string, { readyMs: number[]; medianReadyMs: number; residentMiB: number }>;
}

/** Ports of the timed process: the platform's own, moved by this much so both run at once. */
const SHIFT = 300;
const OWN_PORT_KEYS = ['PORT', 'GRPC_PORT', 'OPS_PORT'];

export async function measureStartups(
  context: BenchContext,
  platform: RunningPlatform,
  dataDir: string,
): Promise<StartupResult> {
  const services: StartupResult['services'] = {};
  for (const definition of servicesFor(platform.ports)) {
    const moved = moveOwnPorts(definition);
    const env = serviceEnvironment(moved, platform.env, { databaseUrl: platform.databaseUrl, dataDir });
    const samples = [];
    for (let i = 0; i < context.config.starts; i++) {
      samples.push(
        await measureStartup({ repoRoot: context.repoRoot, entry: moved.entry, env, readyUrl: moved.readyUrl }),
      );
    }
    const readyMs = samples.map((s) => round(s.readyMs, 0));
    services[definition.name] = {
      readyMs,
      medianReadyMs: round(median(readyMs), 0),
      residentMiB: round(median(samples.map((s) => s.residentMiB)), 1),
    };
    context.log(`  ${definition.name.padEnd(8)} ready in ${readyMs.join(', ')} ms`);
  }
  return { services };
}

function moveOwnPorts(definition: ServiceDefinition): ServiceDefinition {
  const env = { ...definition.env };
  let readyUrl = definition.readyUrl;
  for (const key of OWN_PORT_KEYS) {
    const port = env[key];
    if (port === undefined) continue;
    env[key] = String(Number(port) + SHIFT);
    readyUrl = readyUrl.replace(`:${port}/`, `:${Number(port) + SHIFT}/`);
  }
  return { ...definition, env, readyUrl };
}

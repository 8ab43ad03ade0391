// The env var names each service accepts: the property names of the `configSchema` its `./config` export builds,
// which spreads in service-kit's common ones. Needs the service built (`turbo run build`).

export type AcceptedEnv = { names: Set<string> } | { unavailable: string };

export async function acceptedEnv(service: string): Promise<AcceptedEnv> {
  const specifier = `@platform/${service}/config`;
  let module: { configSchema?: { properties?: Record<string, unknown> } };
  try {
    module = await import(specifier);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'
        ? `${specifier} cannot be loaded (${code}): services/${service} does not exist yet, is not built (run \`turbo run build\`), or does not export "./config"`
        : `${specifier} failed to load: ${(error as Error).message}`;
    return { unavailable: why };
  }
  const properties = module.configSchema?.properties;
  if (!properties) return { unavailable: `${specifier} exports no configSchema with properties` };
  return { names: new Set(Object.keys(properties)) };
}

/**
 * Whether a service takes `name`: a property of its config schema, or `X_FILE` for such a property X (service-kit's
 * loadConfig reads X from that file, the Docker secrets convention; not for names already ending in `_FILE`).
 */
export function acceptsEnv(names: ReadonlySet<string>, name: string): boolean {
  if (names.has(name)) return true;
  const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : undefined;
  return base !== undefined && !base.endsWith('_FILE') && names.has(base);
}

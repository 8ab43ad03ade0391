// How one service name becomes every other name of it: its variables, its database, its image, its port keys.
// One rule each, so a name never has to be written twice.

/** `gift-cards` -> `GIFT_CARDS`: the prefix of the variables that locate it (`GIFT_CARDS_ADDR`). */
export const envPrefix = (name: string) => name.toUpperCase().replaceAll('-', '_');

/** `gift-cards` -> `giftCards`. */
export const camelName = (name: string) => name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** `gift-cards` -> `gift_cards`: its PostgreSQL database and role (no quoting needed anywhere). */
export const databaseName = (name: string) => name.replaceAll('-', '_');

/** The image compose builds and Kubernetes runs, before a registry and tag: `platform/<name>`. */
export const imageName = (name: string) => `platform/${name}`;

/**
 * What runs the service, relative to the repository root: its bundle (@platform/service-bundler), as `npm start`,
 * the images and the benchmark run it.
 */
export const entryPoint = (name: string) => `services/${name}/bundle/main.mjs`;

/** tsc's modules of the service, which `npm run dev` runs (its rebuilds transpile file by file, not the bundle). */
export const moduleEntryPoint = (name: string) => `services/${name}/dist/main.js`;

/** The npm workspace of a service. */
export const packageName = (name: string) => `@platform/${name}`;

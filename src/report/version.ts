import { readFileSync } from 'node:fs';

/** Set by the single-executable build (scripts/build-sea.ts, esbuild `define`): there is no package.json beside it. */
declare const KGD_BUNDLED_VERSION: string | undefined;

/** The package version, read once from package.json (two levels above dist/src/report). */
export const VERSION: string = (() => {
  if (typeof KGD_BUNDLED_VERSION === 'string') return KGD_BUNDLED_VERSION;
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

export const HOMEPAGE = 'https://www.npmjs.com/package/kserve-gateway-doctor';

import semver from 'semver';
import type { ComponentVersions } from '../snapshot/snapshot.js';
import { UsageError } from './errors.js';

const NAMES: Readonly<Record<string, keyof ComponentVersions>> = {
  'net-istio': 'netIstio', netistio: 'netIstio', kserve: 'kserve', knative: 'serving', serving: 'serving', operator: 'operator', istio: 'istio',
};

/** `--versions net-istio=1.21,kserve=0.13,...` → component versions (see src/platform/versions.ts). */
export function parseVersions(values: readonly string[] | undefined): ComponentVersions {
  const out: Record<string, string> = {};
  for (const item of (values ?? []).flatMap((v) => v.split(',')).filter((v) => v.trim() !== '')) {
    const m = /^\s*([A-Za-z-]+)\s*=\s*(\S+)\s*$/.exec(item);
    const key = m ? NAMES[m[1]!.toLowerCase()] : undefined;
    if (!m || !key) throw new UsageError(`--versions takes COMPONENT=VERSION (components: ${Object.keys(NAMES).filter((k) => k !== 'netistio').join(', ')}), not "${item}"`);
    if (!semver.coerce(m[2]!)) throw new UsageError(`--versions: "${m[2]}" is not a version (e.g. 1.21 or 0.14.1)`);
    out[key] = semver.coerce(m[2]!)!.version;
  }
  return out;
}

/** Commander option parser for a repeatable single-value option (it never swallows the paths after it). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

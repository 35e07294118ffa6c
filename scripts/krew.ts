/**
 * The krew plugin manifest (https://krew.sigs.k8s.io/docs/developer-guide/plugin-manifest/): apiVersion
 * krew.googlecontainertools.github.com/v1alpha2, kind Plugin; one platform per built archive, selected by the
 * os/arch labels krew matches, with the archive's URI and sha256 and the binary inside it.
 */
import { stringify } from 'yaml';

export interface KrewPlatform { os: string; arch: string; sha256: string; file: string }

/** Where release archives are published; the release script uploads them under the version's tag. */
export const RELEASE_URL = 'https://github.com/kgd-dev/kgd/releases/download';

export function krewManifest(version: string, platforms: readonly KrewPlatform[]): string {
  const doc = {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: 'kgd' },
    spec: {
      version: `v${version}`,
      homepage: 'https://www.npmjs.com/package/kserve-gateway-doctor',
      shortDescription: 'Why a KServe InferenceService answers 404/503/504 on an Istio local gateway',
      description: 'kgd (KServe Gateway Doctor) reads Knative\'s config-istio, the KnativeServing CR, KServe\'s ingress config,\nthe Istio Gateways and the gateway Services from the cluster, and reports where they disagree: the symptom\n(404, 503, 504, 403, not Ready) and the fix. It only reads (get/list).\n',
      platforms: platforms.map((p) => ({
        selector: { matchLabels: { os: p.os, arch: p.arch } },
        uri: `${RELEASE_URL}/v${version}/${p.file}`,
        sha256: p.sha256,
        bin: 'kubectl-kgd',
      })),
    },
  };
  return `# Written by npm run build:sea -- --save (scripts/build-sea.ts); sha256 is of the archive built there.\n${stringify(doc, { lineWidth: 0 })}`;
}

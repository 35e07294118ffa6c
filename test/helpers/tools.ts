/**
 * The renderers kgd calls (helm, kustomize) and the benchmark's peer (istioctl), built for the tests from the Go module proxy at the versions pinned in
 * test/tools/<name>/go.mod (`tool` directives: Helm's and kustomize's own commands, nothing of ours), cached in
 * ~/.cache/kgd/tools/ by the hash of go.mod and go.sum.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from './paths.js';

const PACKAGES = { helm: 'helm.sh/helm/v3/cmd/helm', kustomize: 'sigs.k8s.io/kustomize/kustomize/v5', istioctl: 'istio.io/istio/istioctl/cmd/istioctl' } as const;

export function tool(name: keyof typeof PACKAGES, go: string): string {
  const dir = fromRoot('test', 'tools', name);
  const hash = createHash('sha256').update(readFileSync(join(dir, 'go.mod'))).update(readFileSync(join(dir, 'go.sum'))).digest('hex').slice(0, 16);
  const cache = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'kgd', 'tools');
  const out = join(cache, `${name}-${hash}`);
  if (existsSync(out)) return out;
  mkdirSync(cache, { recursive: true });
  const r = spawnSync(go, ['build', '-o', `${out}.tmp`, PACKAGES[name]], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (r.status !== 0) throw new Error(`building ${PACKAGES[name]} (test/tools/${name}) failed:\n${r.stderr}`);
  renameSync(`${out}.tmp`, out);
  return out;
}

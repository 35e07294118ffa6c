import { createHash } from 'node:crypto';

const LONGEST = 63;
const MD5_LEN = 32;
const HEAD = LONGEST - MD5_LEN;

/**
 * knative.dev/pkg kmeta.ChildName: `parent + suffix`, or, when that is longer than 63 characters, the parent
 * cut and an MD5 of it (of parent+suffix when the suffix alone is too long) put in, ending on an alphanumeric.
 * Every Knative name derived from a Service (Route, KIngress, `-ingress`/`-mesh` VirtualServices, Revisions)
 * goes through it. Checked against kmeta itself (as vendored by net-istio 1.2.0 and 1.21.1).
 */
export function childName(parent: string, suffix: string): string {
  let n = parent;
  if (parent.length > LONGEST - suffix.length) {
    if (HEAD - suffix.length <= 0) {
      const h = createHash('md5').update(parent + suffix).digest('hex');
      const p = HEAD < parent.length ? parent.slice(0, HEAD) : parent;
      let ret = p + h;
      const d = LONGEST - ret.length;
      if (d > 0) ret += suffix.slice(0, d);
      return ret.replace(/[^a-zA-Z0-9]+$/, '');
    }
    n = parent.slice(0, HEAD - suffix.length) + createHash('md5').update(parent).digest('hex');
  }
  return n + suffix;
}

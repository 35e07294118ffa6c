/**
 * `kgd webhook certs`: a self-signed CA and a serving certificate for the webhook's Service (its in-cluster DNS
 * names, and any extra DNS names or IPs, such as 127.0.0.1 for a webhook outside the cluster), for clusters without
 * cert-manager. Keys come from Node's crypto (RSA 2048); the X.509 certificates are built and signed with node-forge.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface CertOptions {
  /** The webhook's Service and namespace: the certificate names `svc`, `svc.ns`, `svc.ns.svc` and `svc.ns.svc.<domain>`. */
  readonly service: string;
  readonly namespace: string;
  readonly clusterDomain?: string;
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
  /** @default 365 */
  readonly days?: number;
}

export interface CertBundle {
  readonly caCert: string;
  readonly cert: string;
  readonly key: string;
  readonly names: readonly string[];
}

function keyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.PrivateKey; pem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return { pub: forge.pki.publicKeyFromPem(publicKey), priv: forge.pki.privateKeyFromPem(privateKey), pem: privateKey };
}

function serial(): string {
  // Positive (high bit clear), 16 bytes.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

export function makeCerts(o: CertOptions): CertBundle {
  const days = o.days ?? 365;
  const now = new Date(Date.now() - 5 * 60_000); // a little slack for clocks that differ
  const until = new Date(now.getTime() + days * 86_400_000);
  const certificate = (pub: forge.pki.PublicKey, subject: forge.pki.CertificateField[], issuer: forge.pki.CertificateField[]) => {
    const c = forge.pki.createCertificate();
    c.publicKey = pub;
    c.serialNumber = serial();
    c.validity.notBefore = now;
    c.validity.notAfter = until;
    c.setSubject(subject);
    c.setIssuer(issuer);
    return c;
  };
  const ca = keyPair();
  const caName = [{ name: 'commonName', value: `kgd webhook CA (${o.namespace}/${o.service})` }];
  const caCert = certificate(ca.pub, caName, caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.priv as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  const domain = o.clusterDomain ?? 'cluster.local';
  const names = [...new Set([o.service, `${o.service}.${o.namespace}`, `${o.service}.${o.namespace}.svc`, `${o.service}.${o.namespace}.svc.${domain}`, ...(o.dnsNames ?? [])])];
  const leaf = keyPair();
  const cert = certificate(leaf.pub, [{ name: 'commonName', value: `${o.service}.${o.namespace}.svc` }], caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2, value })), ...(o.ips ?? []).map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(ca.priv as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { caCert: forge.pki.certificateToPem(caCert), cert: forge.pki.certificateToPem(cert), key: leaf.pem, names: [...names, ...(o.ips ?? [])] };
}

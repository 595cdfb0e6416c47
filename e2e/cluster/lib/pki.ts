// The cluster's certificates and keys, made with openssl: one CA, the API server's serving
// certificate, client certificates per component, and the service-account signing key pair.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST, paths, ports } from './config.ts';

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function clientCert(name: string, subject: string, ext?: string): void {
  const dir = paths.pki;
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-subj', subject, '-out', join(dir, `${name}.csr`)]);
  const args = ['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '365', '-out', join(dir, `${name}.crt`)];
  if (ext) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    args.push('-extfile', join(dir, `${name}.ext`));
  }
  openssl(args);
}

export function createPki(): void {
  const dir = paths.pki;
  if (existsSync(join(dir, 'ca.crt'))) return;
  mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '365', '-subj', '/CN=storefleet-dev-ca']);
  clientCert('apiserver', '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n');
  clientCert('admin', '/O=system:masters/CN=storefleet-admin', 'extendedKeyUsage=clientAuth\n');
  clientCert('controller-manager', '/CN=system:kube-controller-manager', 'extendedKeyUsage=clientAuth\n');
  clientCert('scheduler', '/CN=system:kube-scheduler', 'extendedKeyUsage=clientAuth\n');
  openssl(['genrsa', '-out', join(dir, 'sa.key'), '2048']);
  openssl(['rsa', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
}

/**
 * A kubeconfig for `user` of the dev cluster: its client certificate from the PKI, or a bearer
 * token (service accounts); optionally with a default namespace.
 */
export function writeKubeconfig(file: string, user: string, opts: { namespace?: string; token?: string } = {}): void {
  const dir = paths.pki;
  const credentials = opts.token
    ? `    token: ${opts.token}`
    : `    client-certificate: ${join(dir, `${user}.crt`)}\n    client-key: ${join(dir, `${user}.key`)}`;
  writeFileSync(file, `apiVersion: v1
kind: Config
clusters:
- name: storefleet-dev
  cluster:
    server: https://${HOST}:${ports.apiserver}
    certificate-authority: ${join(dir, 'ca.crt')}
users:
- name: ${user}
  user:
${credentials}
contexts:
- name: storefleet-dev
  context:
    cluster: storefleet-dev
    user: ${user}${opts.namespace ? `\n    namespace: ${opts.namespace}` : ''}
current-context: storefleet-dev
`, { mode: 0o600 });
}

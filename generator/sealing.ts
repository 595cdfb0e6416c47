// Sealed Secrets encryption (bitnami-labs/sealed-secrets pkg/crypto HybridEncrypt), strict scope.
// The one npm implementation (@linode/kubeseal-encrypt) supports only namespace-wide scope and bare
// public keys, so this uses node:crypto directly. Output bytes:
//   uint16 big-endian length of the RSA ciphertext || RSA-OAEP-SHA256(sessionKey, label) ||
//   AES-256-GCM(sessionKey, zero nonce — the key is used once)(plaintext)
// Strict scope binds a value to one secret: label = "<namespace>/<name>".
import { X509Certificate, constants, createCipheriv, createDecipheriv, createPrivateKey, privateDecrypt, publicEncrypt, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const SESSION_KEY_BYTES = 32;
const GCM_TAG_BYTES = 16;

export function strictLabel(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Reads the RSA public key from the controller's PEM certificate; throws a clear error otherwise. */
export function publicKeyFromCertificate(certificatePem: string): KeyObject {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch (err) {
    throw new Error(`the sealing certificate is not a valid PEM X.509 certificate (${(err as Error).message})`);
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error('the sealing certificate must hold an RSA key (as the Sealed Secrets controller generates)');
  }
  return cert.publicKey;
}

/** Encrypts one value for the controller, bound to namespace/name (strict scope). Returns base64. */
export function seal(publicKey: KeyObject, namespace: string, name: string, plaintext: string | Buffer): string {
  return sealWithLabel(publicKey, strictLabel(namespace, name), plaintext);
}

/**
 * Encrypts one value with cluster-wide scope (the SealedSecret carries the annotation
 * sealedsecrets.bitnami.com/cluster-wide: "true"): the label is empty, so one ciphertext unseals
 * in every namespace. For values that are the same for every store, such as the backup target's.
 */
export function sealClusterWide(publicKey: KeyObject, plaintext: string | Buffer): string {
  return sealWithLabel(publicKey, '', plaintext);
}

function sealWithLabel(publicKey: KeyObject, label: string, plaintext: string | Buffer): string {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsaCiphertext = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) },
    sessionKey,
  );
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsaCiphertext.length);
  return Buffer.concat([length, rsaCiphertext, body]).toString('base64');
}

/** The controller's side: decrypts a value sealed for namespace/name. Used by tests and tooling. */
export function unseal(privateKeyPem: string, namespace: string, name: string, ciphertextB64: string): string {
  return unsealWithLabel(privateKeyPem, strictLabel(namespace, name), ciphertextB64);
}

/** The controller's side of sealClusterWide(). Used by tests and tooling. */
export function unsealClusterWide(privateKeyPem: string, ciphertextB64: string): string {
  return unsealWithLabel(privateKeyPem, '', ciphertextB64);
}

function unsealWithLabel(privateKeyPem: string, label: string, ciphertextB64: string): string {
  const data = Buffer.from(ciphertextB64, 'base64');
  if (data.length < 2) throw new Error('sealed value is too short');
  const rsaLength = data.readUInt16BE(0);
  if (data.length < 2 + rsaLength + GCM_TAG_BYTES) throw new Error('sealed value is too short');
  const sessionKey = privateDecrypt(
    {
      key: createPrivateKey(privateKeyPem),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: Buffer.from(label),
    },
    data.subarray(2, 2 + rsaLength),
  );
  const body = data.subarray(2 + rsaLength);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - GCM_TAG_BYTES)), decipher.final()]).toString('utf8');
}

export interface SealingKeyPair {
  certificatePem: string;
  privateKeyPem: string;
}

/** The Secret a sealing key pair is loaded as; the same name on the embedded default, k3d and k3s. */
export const SEALING_KEY_SECRET = 'storefleet-sealing-key';

/** The commands that load a key pair into the Sealed Secrets controller (kube-system). */
export function loadSealingKeyCommands(certFile: string, keyFile: string): string[] {
  return [
    `kubectl -n kube-system create secret tls ${SEALING_KEY_SECRET} --cert=${certFile} --key=${keyFile}`,
    `kubectl -n kube-system label secret ${SEALING_KEY_SECRET} sealedsecrets.bitnami.com/sealed-secrets-key=active`,
    'kubectl -n kube-system delete pod -l name=sealed-secrets-controller',
  ];
}

/**
 * A development key pair in the shape the Sealed Secrets controller uses (RSA 4096, self-signed
 * certificate, CN sealed-secret, 10 years). Load it into a cluster as a kubernetes.io/tls Secret
 * labelled sealedsecrets.bitnami.com/sealed-secrets-key=active in the controller's namespace.
 */
export async function createDevSealingKeyPair(bits = 4096): Promise<SealingKeyPair> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: bits };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    name: 'CN=sealed-secret,O=storefleet-dev',
    notBefore: now,
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { certificatePem: cert.toString('pem') + '\n', privateKeyPem };
}

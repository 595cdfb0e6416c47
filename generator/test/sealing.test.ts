import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDevSealingKeyPair, publicKeyFromCertificate, seal, unseal } from '../sealing.ts';
import { testKeyPair } from './helpers.ts';

describe('sealing (Sealed Secrets hybrid format, strict scope)', () => {
  it('round-trips through the private key', async () => {
    const { certificatePem, privateKeyPem } = await testKeyPair();
    const key = publicKeyFromCertificate(certificatePem);
    const value = 'pässwörd with spaces & symbols $(x) "quotes"';
    const sealed = seal(key, 'store-a', 'store-admin', value);
    expect(sealed).not.toContain(value);
    expect(unseal(privateKeyPem, 'store-a', 'store-admin', sealed)).toBe(value);
  });

  it('lays out bytes as length ‖ RSA-OAEP ciphertext ‖ AES-GCM ciphertext+tag', async () => {
    const { certificatePem } = await testKeyPair();
    const bytes = Buffer.from(seal(publicKeyFromCertificate(certificatePem), 'ns', 'n', 'abc'), 'base64');
    const rsaLength = bytes.readUInt16BE(0);
    expect(rsaLength).toBe(256); // 2048-bit test key
    expect(bytes.length).toBe(2 + rsaLength + 3 + 16);
  });

  it('binds a value to its namespace and name (strict scope)', async () => {
    const { certificatePem, privateKeyPem } = await testKeyPair();
    const sealed = seal(publicKeyFromCertificate(certificatePem), 'store-a', 'store-admin', 'v');
    expect(() => unseal(privateKeyPem, 'store-b', 'store-admin', sealed)).toThrow();
    expect(() => unseal(privateKeyPem, 'store-a', 'other', sealed)).toThrow();
  });

  it('seals the same value differently every time', async () => {
    const key = publicKeyFromCertificate((await testKeyPair()).certificatePem);
    expect(seal(key, 'a', 'b', 'same')).not.toBe(seal(key, 'a', 'b', 'same'));
  });

  it('rejects a tampered value', async () => {
    const { certificatePem, privateKeyPem } = await testKeyPair();
    const bytes = Buffer.from(seal(publicKeyFromCertificate(certificatePem), 'a', 'b', 'value'), 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => unseal(privateKeyPem, 'a', 'b', bytes.toString('base64'))).toThrow();
  });

  it('creates a dev key pair shaped like the controller’s', async () => {
    const pair = await createDevSealingKeyPair(2048);
    const cert = new X509Certificate(pair.certificatePem);
    expect(cert.subject).toContain('CN=sealed-secret');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(unseal(pair.privateKeyPem, 'x', 'y', seal(cert.publicKey, 'x', 'y', 'ok'))).toBe('ok');
  });

  it('explains a certificate that is not RSA or not PEM', () => {
    expect(() => publicKeyFromCertificate('nope')).toThrow(/not a valid PEM X.509 certificate/);
  });
});

// The backup target's credentials as the API reads them: a file of KEY=value lines (the keys of
// the sealed `backup.target.credentials`), mode 0600, or a directory of one file per key (the
// platform deployment's mounted Secret), named by backup.credentialsFile. The values
// go to restic as environment data only; no message ever includes them.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_CREDENTIAL_KEYS, type BackupCredentialKey } from '../../constructs/backup/backup.ts';
import { ConfigError } from '../config.ts';

export type BackupCredentials = Record<BackupCredentialKey, string>;

/** Parses KEY=value lines (blank lines and # comments allowed); every key once, nothing else. */
export function parseCredentials(text: string, file: string): BackupCredentials {
  const out: Partial<BackupCredentials> = {};
  const known = new Set<string>(BACKUP_CREDENTIAL_KEYS);
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const eq = t.indexOf('=');
    const key = eq > 0 ? t.slice(0, eq).trim() : '';
    // Line numbers and key names only: a malformed line may be a secret.
    if (!known.has(key)) throw new ConfigError(`${file}:${i + 1}: expected KEY=value with KEY one of ${BACKUP_CREDENTIAL_KEYS.join(', ')}`);
    if (out[key as BackupCredentialKey] !== undefined) throw new ConfigError(`${file}:${i + 1}: ${key} is set twice`);
    const value = t.slice(eq + 1).trim();
    if (value === '') throw new ConfigError(`${file}:${i + 1}: ${key} is empty`);
    out[key as BackupCredentialKey] = value;
  });
  const missing = BACKUP_CREDENTIAL_KEYS.filter((k) => out[k] === undefined);
  if (missing.length) throw new ConfigError(`${file}: missing ${missing.join(', ')} (the unsealed values of platform.yaml's backup.target.credentials)`);
  return out as BackupCredentials;
}

/**
 * Reads the credentials file, or a directory with one file per key (a mounted Secret, as the
 * platform deployment renders it); `readableByOthers` tells the caller to warn (chmod 600).
 */
export function readCredentialsFile(file: string): { credentials: BackupCredentials; readableByOthers: boolean } {
  let text: string;
  let mode: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) {
      // The kubelet owns a Secret volume's modes; its values end with no newline, or one.
      text = BACKUP_CREDENTIAL_KEYS.map((k) => `${k}=${readFileSync(join(file, k), 'utf8').trim()}`).join('\n');
      return { credentials: parseCredentials(text, file), readableByOthers: false };
    }
    text = readFileSync(file, 'utf8');
    mode = st.mode;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`cannot read the backup credentials file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { credentials: parseCredentials(text, file), readableByOthers: (mode & 0o077) !== 0 };
}

/** Replaces every credential value in `text` (e.g. a tool's error output) by [redacted]. */
export function redactCredentials(text: string, credentials: BackupCredentials): string {
  let out = text;
  for (const v of Object.values(credentials)) if (v) out = out.split(v).join('[redacted]');
  return out;
}

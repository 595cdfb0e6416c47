// The backup target's credentials as the API reads them: a file of KEY=value lines (the keys of
// the sealed `backup.target.credentials`), mode 0600, named by backup.credentialsFile. The values
// go to restic as environment data only; no message ever includes them.
import { readFileSync, statSync } from 'node:fs';
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

/** Reads the credentials file; `readableByOthers` tells the caller to warn (chmod 600). */
export function readCredentialsFile(file: string): { credentials: BackupCredentials; readableByOthers: boolean } {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(file, 'utf8');
    mode = statSync(file).mode;
  } catch (err) {
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

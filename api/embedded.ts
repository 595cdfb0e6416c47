// The embedded default: with no Git remote configured, <data-dir> holds a bare GitOps repo
// seeded from gitops-repo-template/ (one commit, with the dev sealing certificate at
// sealing/cert.pem), the dev Sealed Secrets key pair and the admin token. Later starts reuse all three.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevSealingKeyPair } from '../generator/sealing.ts';
import { hashToken, newToken, tokensYaml, type TokensFile } from './auth.ts';
import { writeCommits, type TreeChange } from './git/fast-import.ts';
import { runGit } from './git/exec.ts';

export const TEMPLATE_DIR = fileURLToPath(new URL('../gitops-repo-template', import.meta.url));

export interface EmbeddedPaths {
  repo: string;
  sealingCert: string;
  sealingKey: string;
  adminTokenFile: string;
  tokensFile: string;
}

export function embeddedPaths(dataDir: string): EmbeddedPaths {
  return {
    repo: join(dataDir, 'gitops.git'),
    sealingCert: join(dataDir, 'sealing', 'tls.crt'),
    sealingKey: join(dataDir, 'sealing', 'tls.key'),
    adminTokenFile: join(dataDir, 'admin-token'),
    tokensFile: join(dataDir, 'tokens.yaml'),
  };
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? templateFiles(p) : e.isFile() ? [p] : [];
  });
}

/** Creates whatever is missing; returns what was created (for the start-up message). */
export async function ensureEmbedded(
  dataDir: string,
  opts: { branch: string; template?: string; keyBits?: number; platformText?: (text: string, certificatePem: string) => string },
): Promise<{ created: string[]; paths: EmbeddedPaths }> {
  const paths = embeddedPaths(dataDir);
  const created: string[] = [];
  mkdirSync(join(dataDir, 'sealing'), { recursive: true, mode: 0o700 });

  if (!existsSync(paths.sealingKey) || !existsSync(paths.sealingCert)) {
    const kp = await createDevSealingKeyPair(opts.keyBits);
    writeFileSync(paths.sealingKey, kp.privateKeyPem, { mode: 0o600 });
    writeFileSync(paths.sealingCert, kp.certificatePem, { mode: 0o600 });
    chmodSync(paths.sealingKey, 0o600);
    created.push('sealing key pair');
  }

  if (!existsSync(join(paths.repo, 'HEAD'))) {
    mkdirSync(paths.repo, { recursive: true });
    await runGit(paths.repo, ['init', '--bare', '--quiet', `--initial-branch=${opts.branch}`]);
    await runGit(paths.repo, ['config', 'receive.denyNonFastForwards', 'true']);
    const template = opts.template ?? TEMPLATE_DIR;
    const cert = readFileSync(paths.sealingCert, 'utf8');
    // platform.yaml may get more on seeding (the local backup target: api/backups/embedded-target.ts).
    const content = (path: string, text: string) => (path === 'platform.yaml' && opts.platformText ? opts.platformText(text, cert) : text);
    const changes: TreeChange[] = templateFiles(template).map((f) => ({ op: 'write', path: relative(template, f), content: content(relative(template, f), readFileSync(f, 'utf8')) }));
    changes.push({ op: 'write', path: 'sealing/cert.pem', content: cert });
    // fast-import needs a parent for `from`; the seed is a root commit, written by a separate stream.
    const sha = await seedCommit(paths.repo, changes);
    await runGit(paths.repo, ['update-ref', `refs/heads/${opts.branch}`, sha]);
    await runGit(paths.repo, ['update-ref', '-d', 'refs/storefleet/batch'], { okCodes: [0, 1] });
    created.push('GitOps repository');
  }

  if (ensureAdminToken(paths)) created.push('admin token');
  return { created, paths };
}

/**
 * Creates <data-dir>/admin-token and a tokens file holding its digest, unless the tokens file
 * exists. Used by the embedded default and by a remote without a configured tokens file.
 */
export function ensureAdminToken(paths: Pick<EmbeddedPaths, 'adminTokenFile' | 'tokensFile'>): boolean {
  if (existsSync(paths.tokensFile)) return false;
  mkdirSync(dirname(paths.tokensFile), { recursive: true });
  const token = newToken();
  writeFileSync(paths.adminTokenFile, token + '\n', { mode: 0o600 });
  const file: TokensFile = { tokens: [{ user: 'admin', role: 'admin', name: 'Storefleet admin', sha256: hashToken(token) }] };
  writeFileSync(paths.tokensFile, tokensYaml(file), { mode: 0o600 });
  return true;
}

async function seedCommit(repo: string, changes: TreeChange[]): Promise<string> {
  const time = Math.floor(Date.now() / 1000);
  const shas = await writeCommits(repo, '', [
    {
      author: { name: 'Storefleet', email: 'storefleet@localhost' },
      committer: { name: 'Storefleet', email: 'storefleet@localhost' },
      time,
      message: 'Seed the GitOps repository from gitops-repo-template/\n',
      changes,
    },
  ]);
  return shas[0];
}

export function readAdminToken(dataDir: string): string | undefined {
  const f = embeddedPaths(dataDir).adminTokenFile;
  return existsSync(f) && statSync(f).isFile() ? readFileSync(f, 'utf8').trim() : undefined;
}

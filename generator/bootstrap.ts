// `storefleet bootstrap`: fills the Argo CD bootstrap templates in argocd/ with a site's values
// (GitOps repo URL, revision, platform namespace, webhook secret) and writes them to a folder the
// operator applies with kubectl (docs/operations.md). The templates stay plain, reviewable YAML;
// values are substituted into parsed scalars, never spliced into text, so no value can change
// the YAML's structure.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand, UsageError } from './args.ts';
import { isScalar, parseDocument, visit } from 'yaml';

export const ARGOCD_VERSION = 'v3.2.12';
export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../argocd');
/** Holds the webhook secret in plaintext: written to <out>/secrets/, never to the applied folder. */
export const SECRET_TEMPLATE = 'argocd-secret.yaml';

export interface BootstrapValues {
  REPO_URL: string;
  REVISION: string;
  PLATFORM_NAMESPACE: string;
  WEBHOOK_SECRET: string;
}

export class BootstrapInputError extends Error {
  override name = 'BootstrapInputError';
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// https://host[:port]/path, ssh://[user@]host[:port]/path, scp-like user@host:path, or
// git://host[:port]/path (unauthenticated, read-only git daemon: local clusters only).
const URL_FORMS = [/^(https?|git):\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9._~%/+-]+$/, /^ssh:\/\/([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9._~/+-]+$/, /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/+-]+$/];

export function validateRepoUrl(url: string): string | undefined {
  // Checked first and answered without echoing the URL: it may carry a token.
  if (/^[a-z+]+:\/\/[^/]*@/i.test(url) && !/^ssh:\/\/[A-Za-z0-9._-]+@[^/:@]+(:\d+)?\//.test(url)) {
    return '--repo: put no credentials in the URL; give Argo CD a repository credential instead (docs/operations.md)';
  }
  if (!URL_FORMS.some((re) => re.test(url))) {
    return `--repo: "${url}" is not a Git URL Argo CD can fetch (expected https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git)`;
  }
  return undefined;
}

export function validateRevision(rev: string): string | undefined {
  // The subset of git-check-ref-format that a branch or tag people type uses.
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(rev) || rev.includes('..') || rev.endsWith('/') || rev.endsWith('.lock')) {
    return `--revision: "${rev}" is not a branch, tag or commit name`;
  }
  return undefined;
}

export function validatePlatformNamespace(ns: string): string | undefined {
  if (!DNS_LABEL.test(ns)) return `--platform-namespace: "${ns}" is not a DNS label (lowercase letters, digits, hyphens; at most 63)`;
  if (ns.startsWith('store-')) return '--platform-namespace: "store-" namespaces belong to stores';
  if (ns === 'argocd' || ns === 'default' || ns.startsWith('kube-')) return `--platform-namespace: "${ns}" is reserved; use a namespace of its own such as "storefleet"`;
  return undefined;
}

/** The template file names in apply order (the numeric prefixes sort them). */
export function templateFiles(dir = TEMPLATE_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

const PLACEHOLDER = /\$\{([A-Z_]+)\}/g;

/** Fills ${NAME} placeholders in the string scalars of one YAML template; unknown names are errors. */
export function fillTemplate(text: string, values: BootstrapValues, file = 'template'): string {
  // YAML 1.1, as Kubernetes reads it: a value 1.1 would take for a number or boolean gets quoted.
  const doc = parseDocument(text, { prettyErrors: true, version: '1.1' });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const filled = node.value.replace(PLACEHOLDER, (_m, name: string) => {
        if (!(name in values)) throw new Error(`${file}: unknown placeholder \${${name}}`);
        return values[name as keyof BootstrapValues];
      });
      // Checked before substitution results could contain "${": values are validated separately.
      if (node.value.replace(PLACEHOLDER, '').includes('${')) throw new Error(`${file}: malformed placeholder in "${node.value}"`);
      node.value = filled;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Every template filled: file name → YAML. */
export function renderBootstrap(values: BootstrapValues, dir = TEMPLATE_DIR): Map<string, string> {
  return new Map(templateFiles(dir).map((f) => [f, fillTemplate(readFileSync(join(dir, f), 'utf8'), values, f)]));
}

export const BOOTSTRAP_USAGE = `Usage: storefleet bootstrap --repo <git-url> --out <dir> [--revision main]
                           [--platform-namespace storefleet] [--webhook-secret-file <file>]
Writes the Argo CD ${ARGOCD_VERSION} bootstrap manifests for a GitOps repo to <dir> (apply order and
commands: argocd/README.md, docs/operations.md). The webhook secret is read from
--webhook-secret-file, or taken from <dir>/secrets/webhook-secret of an earlier run, or generated;
it is written only under <dir>/secrets/ (mode 0600), which must never be committed.`;

interface Out {
  log(line: string): void;
  error(line: string): void;
}
const consoleOut: Out = { log: (l) => process.stdout.write(l + '\n'), error: (l) => process.stderr.write(l + '\n') };

function readSecretFile(path: string, what: string): string {
  let value: string;
  try {
    value = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new BootstrapInputError(`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // The value is never echoed: a wrong file must not leak into a terminal or a CI log.
  if (!/^[\x21-\x7e]{16,256}$/.test(value)) throw new BootstrapInputError(`${what}: ${path} must hold one line of 16-256 printable characters without spaces`);
  return value;
}

/** Exit codes: 0 written, 2 usage error or invalid value (the message says which and why). */
export async function bootstrapCommand(argv: string[], out: Out = consoleOut): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseCommand(
        'bootstrap',
        argv,
        {
          repo: { type: 'string' },
          out: { type: 'string' },
          revision: { type: 'string', default: 'main' },
          'platform-namespace': { type: 'string', default: 'storefleet' },
          'webhook-secret-file': { type: 'string' },
        },
        false,
      );
    } catch (err) {
      if (err instanceof UsageError) throw new BootstrapInputError(err.message);
      throw err;
    }
    if (parsed.help) {
      out.log(BOOTSTRAP_USAGE);
      return 0;
    }
    const v = parsed.values as { repo?: string; out?: string; revision: string; 'platform-namespace': string; 'webhook-secret-file'?: string };
    if (!v.repo || !v.out) throw new BootstrapInputError('--repo and --out are required');
    const problem = validateRepoUrl(v.repo) ?? validateRevision(v.revision) ?? validatePlatformNamespace(v['platform-namespace']);
    if (problem) throw new BootstrapInputError(problem);

    const outDir = resolve(v.out);
    const secretsDir = join(outDir, 'secrets');
    const expected = new Set([...templateFiles().filter((f) => f !== SECRET_TEMPLATE), 'secrets', '.gitignore']);
    if (existsSync(outDir)) {
      const stray = readdirSync(outDir).filter((f) => !expected.has(f));
      if (stray.length > 0) throw new BootstrapInputError(`--out: ${outDir} holds files bootstrap did not write (${stray.slice(0, 3).join(', ')}); use an empty or new folder`);
    }

    const storedSecret = join(secretsDir, 'webhook-secret');
    let webhookSecret: string;
    let secretSource: string;
    if (v['webhook-secret-file']) {
      webhookSecret = readSecretFile(v['webhook-secret-file'], '--webhook-secret-file');
      secretSource = `read from ${v['webhook-secret-file']}`;
    } else if (existsSync(storedSecret)) {
      // Re-running bootstrap keeps the secret GitHub and the API already use.
      webhookSecret = readSecretFile(storedSecret, 'stored webhook secret');
      secretSource = `kept from ${relative(process.cwd(), storedSecret) || storedSecret}`;
    } else {
      webhookSecret = randomBytes(32).toString('hex');
      secretSource = 'generated';
    }

    const files = renderBootstrap({ REPO_URL: v.repo, REVISION: v.revision, PLATFORM_NAMESPACE: v['platform-namespace'], WEBHOOK_SECRET: webhookSecret });
    mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(outDir, '.gitignore'), '# Plaintext webhook secret: apply it, never commit it.\nsecrets/\n');
    for (const [name, text] of files) {
      if (name === SECRET_TEMPLATE) writeFileSync(join(secretsDir, name), text, { mode: 0o600 });
      else writeFileSync(join(outDir, name), text);
    }
    writeFileSync(storedSecret, webhookSecret + '\n', { mode: 0o600 });

    out.log(`wrote ${files.size - 1} Argo CD ${ARGOCD_VERSION} manifests to ${outDir} (repo ${v.repo}, revision ${v.revision}, platform namespace ${v['platform-namespace']})`);
    out.log(`webhook secret ${secretSource}; it is in ${secretsDir}/ (mode 0600, git-ignored): never commit it`);
    out.log('apply (Argo CD already installed in namespace argocd):');
    out.log(`  kubectl apply --server-side --field-manager=storefleet -f ${join(secretsDir, SECRET_TEMPLATE)}`);
    // Argo CD records each token it issues in the project's roles: a later apply of the same files
    // conflicts on .spec.roles without --force-conflicts (issued tokens stay valid: Argo CD checks them
    // against the project's status, which an apply does not touch).
    out.log(`  kubectl apply --server-side --field-manager=storefleet --force-conflicts -f ${outDir}`);
    out.log('  kubectl -n argocd rollout restart deploy/argocd-server deploy/argocd-applicationset-controller');
    return 0;
  } catch (err) {
    if (err instanceof BootstrapInputError) {
      out.error(`storefleet bootstrap: ${err.message}\n${BOOTSTRAP_USAGE}`);
      return 2;
    }
    throw err;
  }
}

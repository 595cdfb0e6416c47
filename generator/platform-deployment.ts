// platform/ of the GitOps repo: the Storefleet API+UI deployment itself, rendered from the
// `storefleet:` section of platform.yaml. Its credentials are sealed by the operator (kubeseal, see
// docs/operations.md step 6B) into platform/sealedsecret-storefleet-*.yaml (the github-app one is
// optional); rendering reads their ciphertext back and never creates or changes a credential.
import { GITHUB_APP_KEY_FILE, GITHUB_APP_SECRET_NAME, PLATFORM_SECRET_NAMES, renderPlatformObjects, PlatformPropsError } from '../constructs/platform/index.ts';
import { ValidationError, type Issue } from './errors.ts';
import { parseYaml, type ResolvedPlatform } from './platform.ts';
import { HEADER, manifestFileName, toYaml } from './render.ts';

export const PLATFORM_DIR = 'platform';
const TOKENS_KEY = 'tokens.yaml';

/** Files Argo CD applies from platform/ (a directory source: .yaml, .yml, .json); others, such as README.md, are left alone. */
export function isPlatformManifest(path: string): boolean {
  return /\.(ya?ml|json)$/.test(path);
}

export function platformSecretPath(secretName: string): string {
  return `${PLATFORM_DIR}/sealedsecret-${secretName}.yaml`;
}

function sealedKeys(path: string, text: string | undefined, issues: Issue[]): Record<string, string> {
  if (text === undefined) {
    issues.push({
      file: path,
      field: '',
      reason: 'missing: seal the credentials with kubeseal --scope strict into this file (docs/operations.md, step 6B)',
    });
    return {};
  }
  const { data, issues: yamlIssues } = parseYaml(text, path);
  const encrypted = (data as { kind?: unknown; spec?: { encryptedData?: unknown } } | undefined)?.spec?.encryptedData;
  if (yamlIssues.length > 0 || (data as { kind?: unknown })?.kind !== 'SealedSecret' || typeof encrypted !== 'object' || encrypted === null) {
    issues.push({ file: path, field: 'spec.encryptedData', reason: 'not a readable SealedSecret' });
    return {};
  }
  return Object.fromEntries(Object.entries(encrypted).map(([k, v]) => [k, String(v)]));
}

/**
 * Files of platform/ (repo-relative path → content), or undefined when platform.yaml has no
 * `storefleet:` section. `existing` holds the current files of platform/.
 */
export function renderPlatformDeployment(platform: ResolvedPlatform, existing: ReadonlyMap<string, string>): Map<string, string> | undefined {
  const cfg = platform.config.storefleet;
  if (!cfg) return undefined;
  const issues: Issue[] = [];
  const git = sealedKeys(platformSecretPath(PLATFORM_SECRET_NAMES.git), existing.get(platformSecretPath(PLATFORM_SECRET_NAMES.git)), issues);
  const argocd = sealedKeys(platformSecretPath(PLATFORM_SECRET_NAMES.argocd), existing.get(platformSecretPath(PLATFORM_SECRET_NAMES.argocd)), issues);
  const tokensPath = platformSecretPath(PLATFORM_SECRET_NAMES.tokens);
  const tokens = sealedKeys(tokensPath, existing.get(tokensPath), issues);
  if (existing.has(tokensPath) && issues.length === 0 && tokens[TOKENS_KEY] === undefined) {
    issues.push({ file: tokensPath, field: `spec.encryptedData.${TOKENS_KEY}`, reason: 'missing: seal the API tokens file under the key tokens.yaml' });
  }
  // Optional: GitHub App credentials for pull-request mode (the App's private key, as a file).
  const appPath = platformSecretPath(GITHUB_APP_SECRET_NAME);
  const appText = existing.get(appPath);
  const app = appText === undefined ? undefined : sealedKeys(appPath, appText, issues);
  if (app && issues.length === 0 && app[GITHUB_APP_KEY_FILE] === undefined) {
    issues.push({ file: appPath, field: `spec.encryptedData.${GITHUB_APP_KEY_FILE}`, reason: `missing: seal the App's private key under the key ${GITHUB_APP_KEY_FILE}` });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  let objects: Record<string, unknown>[];
  try {
    objects = renderPlatformObjects({
      site: platform.config.site,
      namespace: cfg.namespace,
      image: cfg.image,
      host: `${cfg.host}.${platform.config.site.domain}`,
      replicas: cfg.replicas,
      env: cfg.env,
      sealed: { git, argocd, tokens: tokens[TOKENS_KEY], ...(app ? { githubAppPrivateKey: app[GITHUB_APP_KEY_FILE] } : {}) },
      egress: { gitRemote: cfg.gitRemoteEgress, argocdNamespace: cfg.argocdNamespace },
      ...(platform.config.backup ? { backup: { credentials: platform.config.backup.target.credentials, egress: platform.config.backup.target.egress } } : {}),
      monitoringNamespace: cfg.monitoringNamespace,
    });
  } catch (err) {
    if (err instanceof PlatformPropsError) throw new ValidationError([{ file: 'platform.yaml', field: 'storefleet', reason: err.message }]);
    throw err;
  }
  const files = new Map<string, string>();
  for (const obj of objects) files.set(`${PLATFORM_DIR}/${manifestFileName(obj)}`, HEADER + toYaml(obj));
  return files;
}

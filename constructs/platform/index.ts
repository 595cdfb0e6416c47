// Public surface of the platform chart (the Storefleet API+UI deployment).
export { renderPlatformObjects, PLATFORM_KINDS, PLATFORM_APP_NAME, PlatformPropsError } from './chart.ts';
export { GITHUB_APP_KEY_FILE, GITHUB_APP_KEY_PATH, GITHUB_APP_SECRET_NAME, PLATFORM_SECRET_NAMES, TOKENS_FILE_PATH, type PlatformDeploymentProps, type PlatformEgressProps, type SealedKeys } from './props.ts';

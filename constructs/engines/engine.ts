// What an engine provides. An engine is one folder under constructs/engines/ that exports one
// Engine value, and one line in the registry (./index.ts). Everything else — platform.yaml's
// schema, store.yaml's engine field, the API's validation, OpenAPI enum, store URLs and admin
// login, the dashboard's create form — reads it from the registry (docs/engines.md).
import type { Construct } from 'constructs';
import type { k8s } from 'cdk8s-plus-28';
import type { z } from 'zod';
import type { ContainerResources, SiteProps, StoreProps } from '../props.ts';
import type { BackupSource } from '../backup/backup.ts';

/** Public URLs of a store, as the API reports them. */
export interface StoreUrls {
  storefront: string;
  admin: string;
}

/** One Ingress rule: host → in-namespace Service port. */
export interface IngressRoute {
  host: string;
  service: string;
  port: number;
}

/** The engine's PostSync smoke test: a script of the engine run in the smoke-test image. */
export interface SmokeTestSpec {
  /** File name of one of the engine's scripts. */
  script: string;
  /** Environment of the script (secrets by reference only). */
  env: k8s.EnvVar[];
  resources: ContainerResources;
}

export interface Engine<Images = unknown, Resources = unknown> {
  /** store.yaml's `engine`, platform.yaml's section key and a label value: a DNS label. */
  id: string;
  /** Human name, e.g. "WooCommerce". */
  label: string;
  /** One line for the dashboard's create form. */
  description: string;
  /** The engine's folder (scripts are read from here). */
  folder: URL;
  /** Repo-relative folders holding the sources of images this engine builds itself (may be empty). */
  imageSources: readonly string[];
  /** Secret name → keys. The generator creates, seals and keeps one value per key. */
  secrets: Readonly<Record<string, readonly string[]>>;
  /** Where the admin login the API shows once lives (secret and keys of `secrets`). */
  adminLogin: { secret: string; userKey: string; passwordKey: string };
  /** platform.yaml `images.<id>`: image pins and versions. */
  images: z.ZodType<Images>;
  /** platform.yaml `plans.<plan>.resources.<id>`: container sizes per plan. */
  resources: z.ZodType<Resources>;
  /** platform.yaml `plans.<plan>.storage` keys the engine needs besides `database`. */
  storage: readonly string[];
  /** Script file names in `folder`, shipped in the store's scripts ConfigMap. */
  scripts: readonly string[];
  /** The store's public URLs (the API's `urls`). */
  urls(name: string, site: Pick<SiteProps, 'scheme' | 'domain'>): StoreUrls;
  /** The store's Ingress rules. */
  routes(props: StoreProps): IngressRoute[];
  /** The PostSync smoke test that proves the store works. */
  smokeTest(props: StoreProps): SmokeTestSpec;
  /**
   * Adds the engine's workloads (database, apps, network allows) to the store chart. With
   * props.backup, the app that first touches the database runs the restore step (appRestoreStep).
   */
  build(scope: Construct, props: StoreProps): void;
  /**
   * Adds only the database workload (what `build` adds for it, under the same construct IDs): a
   * store being deleted keeps its database up for the final backup while its apps stop.
   * Required with `backup`.
   */
  database?(scope: Construct, props: StoreProps): void;
  /** The database the store's backups dump and restore; absent: the engine keeps no data to back up. */
  backup?(props: StoreProps): BackupSource;
}

/** The props an engine's constructs see: its own images and resources, typed. */
export type EngineStoreProps<Id extends string, Images, Resources, Storage extends string = never> = StoreProps & {
  store: { engine: Id };
  images: Record<Id, Images>;
  plan: { resources: Record<Id, Resources>; storage: Record<Storage, string> };
};

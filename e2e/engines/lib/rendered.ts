// A rendered store read back the way the cluster reads it: objects parsed from the generator's
// YAML, secrets unsealed with the test's sealing key, container env resolved with Kubernetes'
// rules ($(VAR) expansion, secretKeyRef, envFrom), and Service addresses mapped to loopback
// ports. Nothing here retypes what the constructs render.
import { parse } from 'yaml';
import { unseal, unsealClusterWide } from '../../../generator/sealing.ts';

export interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
}

export class RenderedStore {
  readonly objects: K8sObject[];
  private readonly secrets = new Map<string, Record<string, string>>();

  constructor(files: ReadonlyMap<string, string>, privateKeyPem: string) {
    this.objects = [...files.entries()].filter(([path]) => path.includes('/manifests/')).map(([, text]) => parse(text) as K8sObject);
    for (const sealed of this.objects.filter((o) => o.kind === 'SealedSecret')) {
      const { name, namespace } = sealed.metadata;
      const data: Record<string, string> = {};
      // What the controller does: a cluster-wide SealedSecret (the backup target's) has no label.
      const clusterWide = sealed.metadata.annotations?.['sealedsecrets.bitnami.com/cluster-wide'] === 'true';
      for (const [key, cipher] of Object.entries(sealed.spec.encryptedData as Record<string, string>)) {
        data[key] = clusterWide ? unsealClusterWide(privateKeyPem, cipher) : unseal(privateKeyPem, namespace as string, name, cipher);
      }
      this.secrets.set(name, data);
    }
  }

  get(kind: string, name: string): K8sObject {
    const obj = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!obj) throw new Error(`the rendered store has no ${kind} ${name}`);
    return obj;
  }

  /** A container (or init container) of a Deployment, StatefulSet or Job. */
  container(kind: string, name: string, container: string): Container {
    const pod = this.get(kind, name).spec.template.spec;
    const all: Container[] = [...(pod.initContainers ?? []), ...pod.containers];
    const found = all.find((c) => c.name === container);
    if (!found) throw new Error(`${kind} ${name} has no container ${container}`);
    return found;
  }

  /** The ConfigMap files a container mounts, by mount path (e.g. /opt/storefleet/x.sh → content). */
  mountedFiles(kind: string, name: string, container: string): Map<string, string> {
    const pod = this.get(kind, name).spec.template.spec;
    const files = new Map<string, string>();
    for (const mount of this.container(kind, name, container).volumeMounts ?? []) {
      const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
      if (!volume?.configMap) continue;
      for (const [file, text] of Object.entries(this.get('ConfigMap', volume.configMap.name).data ?? {})) {
        files.set(`${mount.mountPath}/${file}`, text);
      }
    }
    return files;
  }

  /** Every unsealed value as "<secret>/<key>" → value (what secretKeyRef reads). */
  secretValues(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, data] of this.secrets) for (const [key, value] of Object.entries(data)) out[`${name}/${key}`] = value;
    return out;
  }

  secret(name: string, key: string): string {
    const value = this.secrets.get(name)?.[key];
    if (value === undefined) throw new Error(`the rendered store has no secret ${name}/${key}`);
    return value;
  }

  /** The container's environment as Kubernetes would build it. */
  env(c: Container): Record<string, string> {
    const out: Record<string, string> = {};
    for (const from of c.envFrom ?? []) {
      if (from.secretRef) Object.assign(out, this.secrets.get(from.secretRef.name));
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) out[e.name] = this.secret(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
      // $(VAR) refers to variables defined earlier in the list; $$ escapes.
      else out[e.name] = (e.value ?? '').replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v) => (m === '$$' ? '$' : (out[v] ?? m)));
    }
    return out;
  }

  /** service:port → its Service's name and port, for every Service of the store. */
  services(): { name: string; port: number }[] {
    return this.objects
      .filter((o) => o.kind === 'Service')
      .flatMap((o) => (o.spec.ports as { port: number }[]).map((p) => ({ name: o.metadata.name, port: p.port })));
  }
}

/** Rewrites every "<service>:<port>" in env values to the loopback port standing in for it. */
export function mapServices(env: Record<string, string>, ports: ReadonlyMap<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    let value = v;
    for (const [service, local] of ports) value = value.split(service).join(`127.0.0.1:${local}`);
    out[k] = value;
  }
  return out;
}

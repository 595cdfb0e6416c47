// The package's "exports" map lists no "types" condition, so TypeScript (nodenext) cannot see
// its declarations; this states the one class the tests use.
declare module '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1' {
  export class SealedSecret {
    constructor(data?: unknown);
    validate(): void;
  }
}

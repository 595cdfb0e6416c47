#!/usr/bin/env bash
# The loop on real containers (.github/workflows/e2e-kind.yml; runs wherever Docker, Go, helm,
# kubectl and Node run): kind with Traefik, Argo CD (argocd/ via storefleet bootstrap) and Sealed
# Secrets; the project's images built and loaded into kind; a GitOps repository served over smart
# HTTP; Storefleet started against it (docs/operations.md, 6A); then e2e/kind/loop.ts creates a
# WooCommerce and a Medusa store through the API, runs each engine's shopper journey in Chromium
# through the ingress, deletes both and checks the namespaces are gone.
# Env: STOREFLEET_KIND_WORK (scratch dir, default a new temp dir), STOREFLEET_CHROMIUM.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=e2e/kind/versions.env
. e2e/kind/versions.env
WORK=${STOREFLEET_KIND_WORK:-$(mktemp -d)}
CLUSTER=storefleet-e2e
GIT_PORT=16418
PIDS=()
step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

step "tools: kind $KIND_VERSION (Go module proxy), helm, kubectl, docker"
command -v kind >/dev/null || GOBIN="$HOME/go/bin" go install "sigs.k8s.io/kind@$KIND_VERSION"
export PATH="$HOME/go/bin:$PATH"
kind version; helm version --short; kubectl version --client; docker version --format '{{.Server.Version}}'

step "images: build images/* and tag them as platform.yaml pins them"
pins=$(node -e '
  const { parse } = require("yaml");
  const p = parse(require("fs").readFileSync("gitops-repo-template/platform.yaml", "utf8"));
  console.log([p.images.medusa.backend, p.images.medusa.storefront, p.images.smokeTest].join(" "));')
read -r medusa_backend medusa_storefront smoke_test <<<"$pins"
docker build -q -t "$medusa_backend" images/medusa-backend
docker build -q -t "$medusa_storefront" images/medusa-storefront
docker build -q -t "$smoke_test" images/smoke-test

step "kind cluster ($KIND_NODE_IMAGE)"
kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
kind create cluster --name "$CLUSTER" --image "$KIND_NODE_IMAGE" --config e2e/kind/kind.yaml --wait 120s
kind load docker-image --name "$CLUSTER" "$medusa_backend" "$medusa_storefront" "$smoke_test"

step "Traefik (kube-system, ingress class traefik, as on k3s: platform.yaml's local profile)"
helm upgrade --install traefik traefik --repo https://traefik.github.io/charts --version "$TRAEFIK_CHART_VERSION" \
  --namespace kube-system --wait \
  --set service.type=NodePort --set ports.web.nodePort=30080 \
  --set ingressClass.name=traefik --set ingressClass.isDefaultClass=true \
  --set providers.kubernetesIngress.publishedService.enabled=true

step "Argo CD $ARGOCD_VERSION and Sealed Secrets $SEALED_SECRETS_VERSION (docs/operations.md, step 2)"
kubectl create namespace argocd
kubectl apply -n argocd --server-side --force-conflicts \
  -f "https://raw.githubusercontent.com/argoproj/argo-cd/$ARGOCD_VERSION/manifests/install.yaml"
mkdir -p "$WORK/keys"
node bin/storefleet.js init "$WORK/gitops" --dev-keys "$WORK/keys"
kubectl -n kube-system create secret tls storefleet-sealing-key --cert "$WORK/keys/tls.crt" --key "$WORK/keys/tls.key"
kubectl -n kube-system label secret storefleet-sealing-key sealedsecrets.bitnami.com/sealed-secrets-key=active
kubectl apply -f "https://github.com/bitnami-labs/sealed-secrets/releases/download/$SEALED_SECRETS_VERSION/controller.yaml"

step "GitOps repository over smart HTTP on the kind network's gateway"
gateway=$(docker network inspect kind --format '{{range .IPAM.Config}}{{if .Gateway}}{{.Gateway}} {{end}}{{end}}' | tr ' ' '\n' | grep -E '^[0-9.]+$' | head -1)
repo_url="http://$gateway:$GIT_PORT/gitops.git"
mkdir -p "$WORK/git"
git -C "$WORK/gitops" init -q -b main
git -C "$WORK/gitops" add -A
git -C "$WORK/gitops" -c user.name=e2e -c user.email=e2e@storefleet.invalid commit -q -m "storefleet init"
git init -q --bare -b main "$WORK/git/gitops.git"
git -C "$WORK/git/gitops.git" config http.receivepack true
git -C "$WORK/gitops" push -q "$WORK/git/gitops.git" main
node bin/run-ts.js e2e/cluster/git-http.ts "$WORK/git" "$GIT_PORT" "$gateway" >"$WORK/git-http.log" 2>&1 &
PIDS+=($!)

step "bootstrap Argo CD (docs/operations.md, step 5)"
node bin/storefleet.js bootstrap --repo "$repo_url" --out "$WORK/bootstrap"
kubectl apply --server-side --field-manager=storefleet -f "$WORK/bootstrap/secrets/argocd-secret.yaml"
kubectl apply --server-side --field-manager=storefleet -f "$WORK/bootstrap"
kubectl -n argocd rollout restart deploy/argocd-server deploy/argocd-applicationset-controller
# No pause between sync waves (argocd/README.md, "Sync wave delay"); restarts the controller.
kubectl -n argocd set env statefulset/argocd-application-controller ARGOCD_SYNC_WAVE_DELAY=0
kubectl -n argocd rollout status deploy/argocd-server --timeout=300s
kubectl -n argocd rollout status deploy/argocd-applicationset-controller --timeout=300s
kubectl -n argocd rollout status statefulset/argocd-application-controller --timeout=300s
kubectl -n kube-system rollout status deploy/sealed-secrets-controller --timeout=300s

step "Argo CD API and ApplicationSet webhook on 127.0.0.1 (port-forward, docs/operations.md 6A)"
kubectl -n argocd port-forward svc/argocd-server 18080:80 >"$WORK/pf-server.log" 2>&1 &
PIDS+=($!)
kubectl -n argocd port-forward svc/argocd-applicationset-controller 17000:7000 >"$WORK/pf-appset.log" 2>&1 &
PIDS+=($!)
kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d >"$WORK/argocd-admin-password"
chmod 600 "$WORK/argocd-admin-password"

step "the loop: stores through the API, shopper journeys through the ingress, deletion"
STOREFLEET_E2E_ARGOCD_ADMIN_PASSWORD_FILE="$WORK/argocd-admin-password" \
STOREFLEET_GIT_REMOTE="$repo_url" \
STOREFLEET_ARGOCD_URL=http://127.0.0.1:18080 \
STOREFLEET_ARGOCD_APPSET_WEBHOOK_URL=http://127.0.0.1:17000/api/webhook \
STOREFLEET_ARGOCD_WEBHOOK_SECRET="$(cat "$WORK/bootstrap/secrets/webhook-secret")" \
  node bin/run-ts.js e2e/kind/loop.ts --shopper

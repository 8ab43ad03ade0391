#!/usr/bin/env bash
# The whole platform on minikube with Istio, in one command (k8s/README.md walks through it):
#
#   scripts/minikube-demo.sh [up]                start minikube, build the images, install Istio, deploy, smoke-test,
#                                                start the load generator, print the shop's and the tools' addresses
#   scripts/minikube-demo.sh up --registry R     push the images to registry R and deploy them from there instead of
#                                                building inside minikube; R is `minikube` (its registry addon) or
#                                                HOST:PORT of a registry the host pushes to and the node pulls from
#   scripts/minikube-demo.sh rotate-jwt          rotate the JWT signing keys one step and prove through the ingress
#                                                that the key now signing was published before (k8s/README.md)
#   scripts/minikube-demo.sh down                stop the port-forwards and delete the minikube profile (and all in it)
#   --dry-run                                    print every command, run none (the tool and version checks still run)
#
# Settings (environment): MINIKUBE_PROFILE (platform), MINIKUBE_CPUS (4), MINIKUBE_MEMORY (6g), MINIKUBE_DISK (30g),
# MINIKUBE_DRIVER (minikube's choice), KUBERNETES_VERSION (v1.33.1; 1.30 or later), ISTIO_DIR (the unpacked Istio
# release istioctl came from, for Kiali; found next to istioctl when unset), IMAGE_TAG (with --registry: the git
# commit), API_PORT (8080), JAEGER_PORT (16686), GRAFANA_PORT (3000), KIALI_PORT (20001), REGISTRY_PORT (5000).
set -Eeuo pipefail

cd "$(dirname "$0")/.."
# The versions the manifests are written for and checked against (k8s/README.md, "Supported versions")
min_kubernetes=1.30
min_istio=1.24
profile=${MINIKUBE_PROFILE:-platform}
cpus=${MINIKUBE_CPUS:-4}
memory=${MINIKUBE_MEMORY:-6g}
disk=${MINIKUBE_DISK:-30g}
kubernetes_version=${KUBERNETES_VERSION:-v1.33.1}
api_port=${API_PORT:-8080}
jaeger_port=${JAEGER_PORT:-16686}
grafana_port=${GRAFANA_PORT:-3000}
kiali_port=${KIALI_PORT:-20001}
registry_port=${REGISTRY_PORT:-5000}
state=${XDG_RUNTIME_DIR:-/tmp}/platform-minikube-demo-$profile
# the images it builds and the Deployments it waits for: every service of the platform's list (packages/topology)
mapfile -t services < <(node packages/topology/bin/topology.mjs names)
if [ "${#services[@]}" -eq 0 ]; then
  echo "minikube-demo: cannot read the list of services (packages/topology): run npm ci" >&2
  exit 1
fi

dry_run=false
command=up
registry=
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --registry)
      [ $# -ge 2 ] || { echo "minikube-demo: --registry needs a value: minikube or HOST:PORT" >&2; exit 2; }
      registry=$2
      shift
      ;;
    --registry=*) registry=${1#--registry=} ;;
    up | down | rotate-jwt) command=$1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "minikube-demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '\n==> %s\n' "$*"; }
die() { echo "minikube-demo: $*" >&2; exit 1; }
# run: print a command, then run it unless this is a dry run
run() {
  printf '+ %s\n' "$*"
  $dry_run || "$@"
}
# run_shell: the same for a command that needs the shell (pipes, redirections)
run_shell() {
  printf '+ %s\n' "$1"
  $dry_run || bash -o pipefail -c "$1"
}
# background: a long-running command (a port-forward) whose pid `down` will stop
background() {
  local name=$1
  shift
  printf '+ %s > %s/%s.log 2>&1 &\n' "$*" "$state" "$name"
  $dry_run && return 0
  "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}

# What a failed step leaves behind: the step, the cluster's pods and recent events, and the logs of what it waited for.
failed_target=
waits_for() { failed_target=$1; }
on_failure() {
  local status=$?
  trap - ERR
  $dry_run && exit "$status"
  echo >&2
  echo "minikube-demo: the step above failed (exit $status). What the cluster says:" >&2
  if command -v kubectl >/dev/null 2>&1; then
    echo "--- kubectl get pods --all-namespaces -o wide" >&2
    kubectl get pods --all-namespaces -o wide >&2 2>&1 || true
    echo "--- kubectl get events --all-namespaces (latest 40)" >&2
    kubectl get events --all-namespaces --sort-by=.lastTimestamp 2>&1 | tail -n 40 >&2 || true
    if [ -n "$failed_target" ]; then
      local namespace=${failed_target%%/*} workload=${failed_target#*/}
      echo "--- kubectl --namespace $namespace describe $workload" >&2
      kubectl --namespace "$namespace" describe "$workload" 2>&1 | tail -n 60 >&2 || true
      echo "--- kubectl --namespace $namespace logs $workload --all-containers (last 80 lines)" >&2
      kubectl --namespace "$namespace" logs "$workload" --all-containers --tail=80 >&2 2>&1 || true
    fi
  fi
  exit "$status"
}
trap on_failure ERR

# version_at_least A B: A >= B, both major.minor[.patch] with an optional leading v
version_at_least() {
  local a=${1#v} b=${2#v}
  [ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" = "$b" ]
}

check_tools() {
  local missing=() tool tools=(kubectl node openssl curl)
  [ "$command" = up ] && tools+=(minikube istioctl docker npm)
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "minikube-demo: missing on PATH: ${missing[*]}" >&2
    for tool in "${missing[@]}"; do
      case "$tool" in
        minikube) echo "  minikube: https://minikube.sigs.k8s.io/docs/start/" >&2 ;;
        kubectl) echo "  kubectl ($min_kubernetes+, with kustomize v5): https://kubernetes.io/docs/tasks/tools/" >&2 ;;
        istioctl) echo "  istioctl ($min_istio+): curl -L https://istio.io/downloadIstio | sh -, then put istio-*/bin on PATH" >&2 ;;
        docker) echo "  docker: the client talks to minikube's engine; https://docs.docker.com/engine/install/" >&2 ;;
        node | npm) echo "  Node.js 20.19+ with npm (the smoke test runs the contract suite)" >&2 ;;
        *) echo "  $tool: from your system's packages" >&2 ;;
      esac
    done
    if $dry_run; then echo "minikube-demo: (dry run: printing the plan anyway)" >&2; else exit 1; fi
  fi
  # the versions the manifests need, read from the tools themselves (read-only, so a dry run checks them too)
  if command -v istioctl >/dev/null 2>&1 && [ "$command" = up ]; then
    local istio
    istio=$(istioctl version --remote=false --short 2>/dev/null | head -n1 | grep -Eo '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n1 || true)
    [ -n "$istio" ] || die "cannot read istioctl's version (istioctl version --remote=false --short)"
    version_at_least "$istio" "$min_istio" ||
      die "istioctl $istio is older than $min_istio, the oldest Istio these manifests support (networking.istio.io/v1, native sidecars)"
    echo "minikube-demo: istioctl $istio (supported: $min_istio or later)"
  fi
  version_at_least "$kubernetes_version" "$min_kubernetes" ||
    die "KUBERNETES_VERSION $kubernetes_version is older than $min_kubernetes (preStop sleep, ContainerResource autoscaling, native sidecars)"
  # the smoke test runs the contract suite from this checkout
  if [ "$command" = up ] && [ ! -x node_modules/.bin/vitest ]; then
    if $dry_run; then echo "minikube-demo: node_modules is missing: run npm ci first (dry run: going on)" >&2
    else die "node_modules is missing, and the smoke test needs it: run npm ci first"; fi
  fi
}

# The cluster's own version, once it runs.
check_server_version() {
  printf '+ kubectl version --output=json  (server %s or later)\n' "$min_kubernetes"
  $dry_run && return 0
  local server
  # shellcheck disable=SC2016 # JavaScript for node, not shell
  server=$(kubectl version --output=json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = JSON.parse(s).serverVersion ?? {};
      process.stdout.write(`${v.major}.${String(v.minor).replace(/\D/g, "")}`);
    });')
  version_at_least "$server" "$min_kubernetes" || die "the cluster runs Kubernetes $server, older than $min_kubernetes"
  echo "minikube-demo: Kubernetes $server (supported: $min_kubernetes or later)"
}

# Points docker at minikube's engine, and fails (rather than building into the host's engine) when it cannot.
use_minikube_docker() {
  # shellcheck disable=SC2016 # printed as written, for the reader to run
  printf '+ eval "$(minikube --profile %s docker-env --shell bash)"  (checked: docker info must name node %s)\n' "$profile" "$profile"
  $dry_run && return 0
  local env
  env=$(minikube --profile "$profile" docker-env --shell bash) || die "minikube docker-env failed: is the profile running with --container-runtime=docker?"
  eval "$env"
  local name
  name=$(docker info --format '{{.Name}}') || die "docker does not answer on minikube's engine ($DOCKER_HOST)"
  [ "$name" = "$profile" ] || die "docker talks to engine '$name', not minikube's node '$profile'"
}
leave_minikube_docker() {
  # shellcheck disable=SC2016 # printed as written, for the reader to run
  printf '+ eval "$(minikube --profile %s docker-env --shell bash --unset)"\n' "$profile"
  $dry_run && return 0
  eval "$(minikube --profile "$profile" docker-env --shell bash --unset)"
}

istio_dir() {
  if [ -n "${ISTIO_DIR:-}" ]; then printf '%s\n' "$ISTIO_DIR"; return; fi
  local bin
  bin=$(command -v istioctl 2>/dev/null || true)
  [ -n "$bin" ] && printf '%s\n' "$(cd "$(dirname "$(readlink -f "$bin")")/.." && pwd)"
}

wait_for_api() {
  printf '+ wait until http://127.0.0.1:%s/.well-known/jwks.json answers 200\n' "$api_port"
  $dry_run && return 0
  for _ in $(seq 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$api_port/.well-known/jwks.json" 2>/dev/null && return 0
    sleep 2
  done
  echo "minikube-demo: the API did not answer through the ingress; see $state/api.log" >&2
  waits_for istio-system/deployment/istio-ingressgateway
  return 1
}

wait_for_registry() {
  printf '+ wait until http://127.0.0.1:%s/v2/ answers (the registry, through its port-forward)\n' "$registry_port"
  $dry_run && return 0
  for _ in $(seq 30); do
    curl -fsS -o /dev/null "http://127.0.0.1:$registry_port/v2/" 2>/dev/null && return 0
    sleep 1
  done
  echo "minikube-demo: the registry did not answer on 127.0.0.1:$registry_port; see $state/registry.log" >&2
  waits_for kube-system/deployment/registry
  return 1
}

rollout() {
  local namespace=$1 workload=$2
  waits_for "$namespace/$workload"
  run kubectl --namespace "$namespace" rollout status "$workload" --timeout=5m
  failed_target=
}

stop_port_forwards() {
  local pidfile
  for pidfile in "$state"/*.pid; do
    [ -e "$pidfile" ] || continue
    run kill "$(cat "$pidfile")" || true
    $dry_run || rm -f "$pidfile"
  done
}

# The images: built inside minikube's Docker (never pulled), or pushed to a registry the node pulls from.
images() {
  if [ -z "$registry" ]; then
    say "images, built inside minikube's Docker (imagePullPolicy IfNotPresent: nothing is pulled)"
    use_minikube_docker
    for service in "${services[@]}"; do
      run docker build --build-arg "SERVICE=$service" --tag "platform/$service:dev" .
    done
    # the canary of istio/canary runs this tag; build a real change under it to see the 90/10 split do something
    run docker tag platform/orders:dev platform/orders:canary
    leave_minikube_docker
    overlay=istio/overlays/minikube
    return
  fi
  local tag push_to pull_from
  tag=${IMAGE_TAG:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)}
  if [ "$registry" = minikube ]; then
    say "images, pushed to minikube's registry addon (through a port-forward on 127.0.0.1:$registry_port)"
    run minikube --profile "$profile" addons enable registry
    rollout kube-system deployment/registry
    background registry kubectl --namespace kube-system port-forward service/registry "$registry_port:80"
    wait_for_registry
    # the node reaches the addon on its own localhost:5000 (registry-proxy)
    push_to=127.0.0.1:$registry_port
    pull_from=localhost:5000
  else
    say "images, pushed to $registry"
    push_to=$registry
    pull_from=$registry
  fi
  for service in "${services[@]}"; do
    run docker build --build-arg "SERVICE=$service" --tag "$push_to/platform/$service:$tag" .
    run docker push "$push_to/platform/$service:$tag"
  done
  run docker tag "$push_to/platform/orders:$tag" "$push_to/platform/orders:$tag-canary"
  run docker push "$push_to/platform/orders:$tag-canary"
  # an overlay of the demo's overlay that names the pushed images (kustomize `images:`)
  overlay=$state/overlay
  run mkdir -p "$overlay"
  printf '+ write %s/kustomization.yaml (images: platform/<name> -> %s/platform/<name>:%s)\n' "$overlay" "$pull_from" "$tag"
  if ! $dry_run; then
    {
      echo "# written by scripts/minikube-demo.sh --registry: the demo's overlay with the pushed images"
      echo "apiVersion: kustomize.config.k8s.io/v1beta1"
      echo "kind: Kustomization"
      echo "resources:"
      echo "  - $PWD/istio/overlays/minikube"
      echo "images:"
      for service in "${services[@]}"; do
        echo "  - name: platform/$service"
        echo "    newName: $pull_from/platform/$service"
        echo "    newTag: \"$tag\""
      done
      # the canary runs its own tag (patches come before kustomize's image names, so this one stays as written)
      echo "patches:"
      echo "  - target: {kind: Deployment, name: orders-v2}"
      echo "    patch: |-"
      echo "      - op: replace"
      echo "        path: /spec/template/spec/containers/0/image"
      echo "        value: $pull_from/platform/orders:$tag-canary"
    } >"$overlay/kustomization.yaml"
  fi
}

up() {
  check_tools
  run mkdir -p "$state"

  say "minikube profile $profile: $cpus CPUs, $memory memory, $disk disk, Docker runtime, Calico so NetworkPolicies are enforced"
  run minikube start --profile "$profile" --cpus "$cpus" --memory "$memory" --disk-size "$disk" \
    --container-runtime=docker --cni calico --kubernetes-version "$kubernetes_version" \
    ${MINIKUBE_DRIVER:+--driver "$MINIKUBE_DRIVER"}
  run kubectl config use-context "$profile"
  check_server_version

  say "metrics-server, which the autoscalers read CPU from"
  run minikube --profile "$profile" addons enable metrics-server
  rollout kube-system deployment/metrics-server

  images

  say "Istio: minimal profile, ingress gateway, CNI, native sidecars (istio/install/istio-operator.yaml)"
  run istioctl install --skip-confirmation --filename istio/install/istio-operator.yaml
  rollout istio-system deployment/istiod
  rollout istio-system deployment/istio-ingressgateway

  say "observability: OpenTelemetry collector, Jaeger v2, Prometheus, Grafana"
  run_shell "kubectl kustomize --load-restrictor LoadRestrictionsNone observability/k8s | kubectl apply --filename -"
  local dir kiali=false
  dir=$(istio_dir || true)
  if [ -n "$dir" ] && [ -f "$dir/samples/addons/kiali.yaml" ]; then kiali=true; fi
  # a dry run without istioctl still shows the step, with the release folder as a placeholder
  if $dry_run && ! $kiali; then dir=${dir:-'<istio release>'}; kiali=true; fi
  if $kiali; then
    run kubectl apply --filename "$dir/samples/addons/kiali.yaml"
    run kubectl apply --filename istio/install/kiali-prometheus.yaml
  else
    echo "minikube-demo: no samples/addons/kiali.yaml next to istioctl (set ISTIO_DIR): Kiali is left out" >&2
  fi

  say "the platform: secrets, then $overlay (k8s/base + mesh + orders canary, minikube-sized)"
  run scripts/k8s/make-secrets.sh
  run kubectl apply --kustomize "$overlay"
  rollout platform statefulset/postgres
  for service in "${services[@]}" orders-v2; do
    rollout platform "deployment/$service"
  done
  for tool in otel-collector jaeger prometheus grafana; do
    rollout observability "deployment/$tool"
  done

  say "the ingress and the tools on localhost (port-forwards; \`$0 down\` stops them)"
  stop_port_forwards
  background api kubectl --namespace istio-system port-forward service/istio-ingressgateway "$api_port:80"
  background jaeger kubectl --namespace observability port-forward service/jaeger "$jaeger_port:16686"
  background grafana kubectl --namespace observability port-forward service/grafana "$grafana_port:3000"
  if $kiali; then
    rollout istio-system deployment/kiali
    background kiali kubectl --namespace istio-system port-forward service/kiali "$kiali_port:20001"
  fi
  wait_for_api

  say "smoke test: the contract suite against the ingress"
  waits_for istio-system/deployment/istio-ingressgateway
  run_shell "E2E_BASE_URL=http://127.0.0.1:$api_port npm run test:remote --workspace @platform/e2e"
  # the shop through the same ingress ("/" is the storefront's), in a real browser where one is installed
  if $dry_run || [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    say "smoke test: the storefront's browser journey through the ingress"
    waits_for platform/deployment/storefront
    run_shell "E2E_STOREFRONT_URL=http://127.0.0.1:$api_port E2E_BASE_URL=http://127.0.0.1:$api_port npm run test:browser --workspace @platform/e2e"
  else
    echo "minikube-demo: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}: the browser journey is left out (apt-get install chromium)" >&2
  fi
  failed_target=
  if $dry_run || kubectl get deployment loadgen --namespace platform >/dev/null 2>&1; then
    say "load: the load generator (services/loadgen, 0 replicas until now) drives the dashboards, traces, autoscalers"
    run kubectl --namespace platform scale deployment/loadgen --replicas=1
  fi

  cat <<EOF

The platform runs on minikube profile $profile, behind Istio:
  Shop       http://127.0.0.1:$api_port/   (the storefront, through the ingress)
  API        http://127.0.0.1:$api_port/api/catalog/products   (JWKS: http://127.0.0.1:$api_port/.well-known/jwks.json)
  Jaeger     http://127.0.0.1:$jaeger_port
  Grafana    http://127.0.0.1:$grafana_port
  Kiali      http://127.0.0.1:$kiali_port   (if installed)
The load generator runs (kubectl --namespace platform scale deployment/loadgen --replicas=0 stops it).
Autoscaling: kubectl --namespace platform get hpa --watch. Rolling update, canary shift, key rotation and the rest:
k8s/README.md and istio/README.md. Remove it all: $0 down
EOF
}

# One step of the key ring (k8s/README.md, "Rotating the JWT signing key"), then the proof that matters at the edge:
# Istio's Envoy keeps the JWKS it fetched for 5 minutes and does not refetch it for an unknown kid, so the key that
# signs after the rotation must have been in the JWKS before it.
rotate_jwt() {
  check_tools
  local base=http://127.0.0.1:$api_port before=$state/jwks-before-rotation.json
  say "the JWKS the edge may have cached, fetched before the rotation"
  run_shell "curl -fsS $base/.well-known/jwks.json > $before"
  say "one step of the key ring, applied; auth rolls"
  # the overlay gives the load generator 0 replicas: it keeps those the demo scaled it to
  local loadgen='<its replicas before>'
  $dry_run || loadgen=$(kubectl --namespace platform get deployment loadgen --output 'jsonpath={.spec.replicas}' 2>/dev/null || echo 0)
  run scripts/k8s/make-secrets.sh rotate-jwt
  run kubectl apply --kustomize istio/overlays/minikube
  if [ "$loadgen" != 0 ]; then run kubectl --namespace platform scale deployment/loadgen --replicas="$loadgen"; fi
  rollout platform deployment/auth
  say "a token signed now carries a kid the JWKS from before the rotation already had"
  printf '+ register and log in a throwaway user through %s; its token'"'"'s kid must be in %s\n' "$base" "$before"
  $dry_run && return 0
  local email password token kid
  email="rotation-$(date +%s)-$RANDOM@example.com"
  password=$(openssl rand -hex 12)
  curl -fsS -o /dev/null "$base/api/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}"
  token=$(curl -fsS "$base/api/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).accessToken));')
  kid=$(node -e 'process.stdout.write(JSON.parse(Buffer.from(process.argv[1].split(".")[0], "base64url")).kid)' "$token")
  node -e '
    const jwks = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    process.exit(jwks.keys.some((k) => k.kid === process.argv[2]) ? 0 : 1);' "$before" "$kid" ||
    die "auth now signs with kid $kid, which the JWKS had not published before the rotation: the edge rejects new tokens with 401 until its cached JWKS expires (up to 5 minutes)"
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/auth/me" -H "authorization: Bearer $token")
  [ "$status" = 200 ] || die "a fresh token (kid $kid) gets $status from /api/auth/me through the ingress"
  echo "minikube-demo: rotated; the key now signing ($kid) was published before the rotation, and the edge accepts it"
}

down() {
  say "stopping the port-forwards and deleting minikube profile $profile"
  stop_port_forwards
  run minikube delete --profile "$profile"
  run rm -rf "$state"
  echo "The secrets in k8s/base/secrets stay for the next run; delete that folder to make new ones."
}

overlay=istio/overlays/minikube
case "$command" in
  up) up ;;
  down) down ;;
  rotate-jwt) rotate_jwt ;;
esac

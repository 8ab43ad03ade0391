#!/usr/bin/env bash
# The whole platform on minikube with Istio, in one command (k8s/README.md walks through it):
#
#   scripts/minikube-demo.sh [up]        start minikube, build the images in it, install Istio, deploy, smoke-test
#   scripts/minikube-demo.sh down        stop the port-forwards and delete the minikube profile (and all in it)
#   scripts/minikube-demo.sh --dry-run   print every command `up` would run, run none (also: down --dry-run)
#
# Settings (environment): MINIKUBE_PROFILE (platform), MINIKUBE_CPUS (4), MINIKUBE_MEMORY (6g),
# MINIKUBE_DRIVER (minikube's choice), KUBERNETES_VERSION (v1.32.0; 1.30+ for native preStop sleep),
# ISTIO_DIR (the unpacked Istio release istioctl came from, for Kiali; found next to istioctl when unset),
# API_PORT (8080), JAEGER_PORT (16686), GRAFANA_PORT (3000), KIALI_PORT (20001).
set -euo pipefail

cd "$(dirname "$0")/.."
profile=${MINIKUBE_PROFILE:-platform}
cpus=${MINIKUBE_CPUS:-4}
memory=${MINIKUBE_MEMORY:-6g}
kubernetes_version=${KUBERNETES_VERSION:-v1.32.0}
api_port=${API_PORT:-8080}
jaeger_port=${JAEGER_PORT:-16686}
grafana_port=${GRAFANA_PORT:-3000}
kiali_port=${KIALI_PORT:-20001}
state=${XDG_RUNTIME_DIR:-/tmp}/platform-minikube-demo-$profile
services=(auth catalog orders gateway)

dry_run=false
command=up
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    up | down) command=$arg ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "minikube-demo: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\n==> %s\n' "$*"; }
# run: print a command, then run it unless this is a dry run
run() {
  printf '+ %s\n' "$*"
  $dry_run || "$@"
}
# run_shell: the same for a command that needs the shell (pipes, eval, redirections)
run_shell() {
  printf '+ %s\n' "$1"
  $dry_run || eval "$1"
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

check_tools() {
  local missing=() tool
  for tool in minikube kubectl istioctl docker node npm openssl curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "minikube-demo: missing on PATH: ${missing[*]}" >&2
    for tool in "${missing[@]}"; do
      case "$tool" in
        minikube) echo "  minikube: https://minikube.sigs.k8s.io/docs/start/" >&2 ;;
        kubectl) echo "  kubectl (1.30+, with kustomize v5): https://kubernetes.io/docs/tasks/tools/" >&2 ;;
        istioctl) echo "  istioctl (1.22+): curl -L https://istio.io/downloadIstio | sh -, then put istio-*/bin on PATH" >&2 ;;
        docker) echo "  docker: the client talks to minikube's engine; https://docs.docker.com/engine/install/" >&2 ;;
        node | npm) echo "  Node.js 20.19+ with npm (the smoke test runs the contract suite)" >&2 ;;
        *) echo "  $tool: from your system's packages" >&2 ;;
      esac
    done
    if $dry_run; then echo "minikube-demo: (dry run: printing the plan anyway)" >&2; else exit 1; fi
  fi
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
  echo "minikube-demo: the API did not answer through the ingress; see $state/api.log and" >&2
  echo "  kubectl -n platform get pods; kubectl -n istio-system logs deploy/istio-ingressgateway" >&2
  return 1
}

stop_port_forwards() {
  local pidfile
  for pidfile in "$state"/*.pid; do
    [ -e "$pidfile" ] || continue
    run kill "$(cat "$pidfile")" || true
    $dry_run || rm -f "$pidfile"
  done
}

up() {
  check_tools
  run mkdir -p "$state"

  say "minikube profile $profile: $cpus CPUs, $memory memory, Calico so NetworkPolicies are enforced"
  run minikube start --profile "$profile" --cpus "$cpus" --memory "$memory" --cni calico \
    --kubernetes-version "$kubernetes_version" ${MINIKUBE_DRIVER:+--driver "$MINIKUBE_DRIVER"}
  run kubectl config use-context "$profile"

  say "images, built inside minikube's Docker (imagePullPolicy IfNotPresent: nothing is pulled)"
  run_shell "eval \"\$(minikube --profile $profile docker-env)\""
  for service in "${services[@]}"; do
    run docker build --file "services/$service/Dockerfile" --tag "platform/$service:dev" .
  done
  # the canary of istio/canary runs this tag; build a real change under it to see the 90/10 split do something
  run docker tag platform/orders:dev platform/orders:canary
  run_shell "eval \"\$(minikube --profile $profile docker-env --unset)\""

  say "Istio: minimal profile, ingress gateway and CNI (istio/install/istio-operator.yaml)"
  run istioctl install --skip-confirmation --filename istio/install/istio-operator.yaml
  run kubectl --namespace istio-system rollout status deployment/istiod --timeout=5m
  run kubectl --namespace istio-system rollout status deployment/istio-ingressgateway --timeout=5m

  say "observability: OpenTelemetry collector, Jaeger, Prometheus, Grafana"
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

  say "the platform: secrets, then istio/overlays/minikube (k8s/base + mesh + orders canary, minikube-sized)"
  run scripts/k8s/make-secrets.sh
  run kubectl apply --kustomize istio/overlays/minikube
  run kubectl --namespace platform rollout status statefulset/postgres --timeout=5m
  for service in "${services[@]}" orders-v2; do
    run kubectl --namespace platform rollout status "deployment/$service" --timeout=5m
  done
  for tool in otel-collector jaeger prometheus grafana; do
    run kubectl --namespace observability rollout status "deployment/$tool" --timeout=5m
  done

  say "the ingress and the tools on localhost (port-forwards; \`$0 down\` stops them)"
  stop_port_forwards
  background api kubectl --namespace istio-system port-forward service/istio-ingressgateway "$api_port:80"
  background jaeger kubectl --namespace observability port-forward service/jaeger "$jaeger_port:16686"
  background grafana kubectl --namespace observability port-forward service/grafana "$grafana_port:3000"
  if $kiali; then
    run kubectl --namespace istio-system rollout status deployment/kiali --timeout=5m
    background kiali kubectl --namespace istio-system port-forward service/kiali "$kiali_port:20001"
  fi
  wait_for_api

  say "smoke test: the contract suite against the ingress"
  run_shell "E2E_BASE_URL=http://127.0.0.1:$api_port npm run test:remote --workspace @platform/e2e"

  cat <<EOF

The platform runs on minikube profile $profile, behind Istio:
  API        http://127.0.0.1:$api_port/api/catalog/products   (JWKS: http://127.0.0.1:$api_port/.well-known/jwks.json)
  Jaeger     http://127.0.0.1:$jaeger_port
  Grafana    http://127.0.0.1:$grafana_port
  Kiali      http://127.0.0.1:$kiali_port   (if installed)
Rolling update, canary shift and the rest: k8s/README.md and istio/README.md. Remove it all: $0 down
EOF
}

down() {
  say "stopping the port-forwards and deleting minikube profile $profile"
  stop_port_forwards
  run minikube delete --profile "$profile"
  run rm -rf "$state"
  echo "The secrets in k8s/base/secrets stay for the next run; delete that folder to make new ones."
}

"$command"

// The local cluster's Flagger and Gateway API add-ons (scripts/cluster/addon.sh flagger, addons.sh): these keep the
// trimmed build's two lists of dropped metric providers equal, and the manifests' promises (the contract's mesh
// provider and Prometheus, our image never pulled, the restricted profile, the RBAC a canary of goship needs, a
// Gateway on Traefik's web entrypoint) from being edited away. test/e2e/flagger-operator.test.ts runs them.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { PROJECT_DIR } from "../helpers/stack-config";

const CLUSTER = path.join(PROJECT_DIR, "scripts", "cluster");
const read = (file: string): string => fs.readFileSync(path.join(CLUSTER, file), "utf8");
/** The manifest's documents, the @PLACEHOLDERS@ that stand for a whole value quoted so that it parses as YAML. */
const documents = (file: string): any[] => parseAllDocuments(read(file).replace(/(: )(@[A-Z_]+@)(?=$|,| \})/gm, '$1"$2"')).map((d) => {
    assert.deepEqual(d.errors.map((e) => e.message), [], file);
    return d.toJS();
});
const find = (docs: any[], kind: string, name: string): any => {
    const found = docs.filter((d) => d.kind === kind && d.metadata.name === name);
    assert.equal(found.length, 1, `one ${kind} ${name}`);
    return found[0];
};

describe("Flagger trimmed build", () => {
    const factory = read("flagger/factory.go");
    const dropped = /^FLAGGER_DROPPED_PROVIDERS=\(([^)]*)\)$/m.exec(read("build-addons.sh"))?.[1].split(" ");

    it("drops the same providers the replaced factory refuses, and names them in its error", () => {
        assert.ok(dropped, "build-addons.sh declares FLAGGER_DROPPED_PROVIDERS=(...)");
        const refused = /case ((?:"[a-z]+"(?:, )?)+):\n\t\treturn nil, fmt\.Errorf/.exec(factory)?.[1].match(/[a-z]+/g);
        assert.deepEqual([...(refused ?? [])].sort(), [...dropped].sort());
        const named = /without the providers that need a cloud SDK: ([a-z, ]+)\)/.exec(factory)?.[1].split(", ");
        assert.deepEqual(named, [...dropped].sort());
    });

    it("keeps the Prometheus provider, also as the default for an empty type", () => {
        assert.match(factory, /case "prometheus":\n\t\treturn NewPrometheusProvider\(provider, credentials\)/);
        assert.match(factory, /default:\n\t\treturn NewPrometheusProvider\(provider, credentials\)/);
    });
});

describe("Flagger manifest", () => {
    const docs = documents("manifests/flagger.yaml");
    const deployment = find(docs, "Deployment", "flagger");
    const container = deployment.spec.template.spec.containers[0];

    it("runs on the Gateway API against the Prometheus addon.sh names, copying our labels", () => {
        assert.deepEqual(container.args, ["-log-level=info", "-mesh-provider=gatewayapi:v1", "-metrics-server=@PROMETHEUS_URL@", "-include-label-prefix=app.kubernetes.io"]);
        assert.match(read("addon.sh"), /^FLAGGER_PROMETHEUS_URL=http:\/\/prometheus\.monitoring:9090$/m);
    });

    it("runs our image, never pulled, restricted, with requests, a memory limit and probes on /healthz", () => {
        assert.equal(container.image, "@FLAGGER_IMAGE@");
        assert.equal(container.imagePullPolicy, "Never");
        assert.equal(find(docs, "Namespace", "flagger-system").metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
        assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        assert.ok(container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory);
        for (const probe of [container.readinessProbe, container.livenessProbe]) assert.deepEqual(probe.httpGet, { port: "http", path: "/healthz" });
        assert.deepEqual(container.ports, [{ name: "http", containerPort: 8080 }], "cmd/flagger's -port default");
    });

    it("may manage what a canary of goship needs: HTTPRoutes, the primary's HPA or ScaledObject, its Services", () => {
        const rules: { apiGroups?: string[]; resources?: string[]; verbs: string[] }[] = find(docs, "ClusterRole", "goship:flagger").rules;
        const allowed = (group: string, resource: string, verb: string): boolean =>
            rules.some((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb));
        for (const [group, resource] of [["gateway.networking.k8s.io", "httproutes"], ["autoscaling", "horizontalpodautoscalers"], ["keda.sh", "scaledobjects"],
            ["apps", "deployments"], ["", "services"], ["flagger.app", "canaries/status"], ["", "events"]]) {
            for (const verb of ["get", "list", "watch", "create", "update", "delete"]) assert.ok(allowed(group, resource, verb), `${verb} ${group}/${resource}`);
        }
        const binding = find(docs, "ClusterRoleBinding", "goship:flagger");
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "flagger", namespace: "flagger-system" }]);
    });
});

describe("Gateway API on Traefik", () => {
    const gateway = documents("manifests/gateway.yaml");
    const traefik = documents("manifests/traefik.yaml");

    it("a GatewayClass of Traefik's controller, and Gateway traefik/goship on the web entrypoint for every namespace", () => {
        assert.equal(find(gateway, "GatewayClass", "traefik").spec.controllerName, "traefik.io/gateway-controller");
        const goship = find(gateway, "Gateway", "goship");
        assert.equal(goship.metadata.namespace, "traefik");
        assert.deepEqual(goship.spec.listeners, [{ name: "web", protocol: "HTTP", port: "@INGRESS_PORT@", allowedRoutes: { namespaces: { from: "All" } } }]);
        assert.match(read("addons.sh"), /s\|@INGRESS_PORT@\|\$\{INGRESS_ADDR##\*:\}\|g/, "the listener port is the web entrypoint's");
    });

    it("Traefik runs both providers and may update the Gateway API statuses", () => {
        const args: string[] = find(traefik, "Deployment", "traefik").spec.template.spec.containers[0].args;
        for (const arg of ["--providers.kubernetesingress=true", "--providers.kubernetesgateway=true", "--providers.kubernetesgateway.statusaddress.ip=@INGRESS_IP@"]) {
            assert.ok(args.includes(arg), arg);
        }
        const rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] = find(traefik, "ClusterRole", "goship:traefik-ingress-controller").rules;
        const gatewayRules = rules.filter((r) => r.apiGroups.includes("gateway.networking.k8s.io"));
        assert.ok(gatewayRules.some((r) => ["gateways", "httproutes", "referencegrants"].every((k) => r.resources.includes(k)) && r.verbs.includes("watch")));
        assert.ok(gatewayRules.some((r) => ["gatewayclasses/status", "gateways/status", "httproutes/status"].every((k) => r.resources.includes(k)) && r.verbs.includes("update")));
        assert.ok(rules.some((r) => r.resources.includes("namespaces") && r.verbs.includes("watch")), "namespaces, for allowedRoutes");
    });
});

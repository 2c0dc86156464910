// The pod-template policies: restricted Pod Security, requests and limits, probes, images pinned by digest.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PINNED_IMAGE, container, cronJob, deployment, podSpec } from "../helpers/policy-fixtures";
import { TestResource, UNKNOWN_STRING, Violation, policyNames, runPolicies } from "../helpers/policy-harness";

const only = (violations: Violation[], policy: string) => violations.filter((violation) => violation.policy === policy);

function withContainer(overrides: Record<string, any>): TestResource {
    return deployment({ pod: podSpec({ containers: [container(overrides)] }) });
}

describe("policy pack: a compliant Deployment and CronJob", () => {
    it("pass every policy", () => {
        assert.deepEqual(runPolicies([deployment({ replicas: 2 })]), []);
        assert.deepEqual(runPolicies([cronJob()]), []);
    });
});

describe("pod-security-restricted", () => {
    const cases: { name: string; resource: TestResource; expect: string[] }[] = [
        {
            name: "privilege escalation allowed, capabilities kept",
            resource: withContainer({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } }),
            expect: ['container "app": set securityContext.allowPrivilegeEscalation: false', 'container "app": set securityContext.capabilities.drop: ["ALL"]'],
        },
        {
            name: "root allowed (no runAsNonRoot anywhere)",
            resource: deployment({
                pod: podSpec({
                    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    containers: [container({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } })],
                }),
            }),
            expect: ['container "app": set securityContext.runAsNonRoot: true (here or on the pod)'],
        },
        {
            name: "no seccomp profile on pod or container",
            resource: deployment({
                pod: podSpec({
                    securityContext: { runAsNonRoot: true },
                    containers: [container({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } })],
                }),
            }),
            expect: ['container "app": set securityContext.seccompProfile.type: RuntimeDefault (here or on the pod)'],
        },
        {
            name: "privileged, added capability, host port, host network, hostPath volume",
            resource: deployment({
                pod: podSpec({
                    hostNetwork: true,
                    volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }],
                    containers: [container({
                        ports: [{ containerPort: 8080, hostPort: 80 }],
                        securityContext: { ...container().securityContext, privileged: true, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN", "NET_BIND_SERVICE"] } },
                    })],
                }),
            }),
            expect: [
                "remove hostNetwork: true",
                'volume "docker": replace the hostPath volume',
                'container "app": remove securityContext.privileged: true',
                'container "app": remove capabilities.add SYS_ADMIN (only NET_BIND_SERVICE may be added)',
                'container "app": remove hostPort 80',
            ],
        },
        {
            name: "an init container running as root",
            resource: deployment({ pod: podSpec({ initContainers: [container({ name: "migrate", securityContext: { ...container().securityContext, runAsUser: 0 } })] }) }),
            expect: ['init container "migrate": set securityContext.runAsUser to a non-zero uid (not 0, root)'],
        },
        {
            name: "a CronJob's pod template with an unconfined seccomp profile",
            resource: cronJob(podSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } }, containers: [container({ securityContext: { ...container().securityContext, seccompProfile: undefined } })] })),
            expect: ["set securityContext.seccompProfile.type to RuntimeDefault (not Unconfined)"],
        },
    ];
    for (const testCase of cases) {
        it(`reports: ${testCase.name}`, () => {
            const violations = only(runPolicies([testCase.resource]), "pod-security-restricted");
            assert.equal(violations.length, 1, JSON.stringify(violations));
            assert.equal(violations[0].enforcementLevel, "mandatory");
            assert.match(violations[0].message, /^(Deployment apps\/web|CronJob apps\/nightly) does not meet the restricted Pod Security Standard; /);
            for (const fragment of testCase.expect) {
                assert.ok(violations[0].message.includes(fragment), `"${fragment}" in: ${violations[0].message}`);
            }
        });
    }

    it("accepts runAsNonRoot and seccomp set on the pod only, and NET_BIND_SERVICE added", () => {
        const security = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } };
        assert.deepEqual(runPolicies([withContainer({ securityContext: security })]), []);
    });

    it("ignores resources without pods", () => {
        assert.deepEqual(runPolicies([{ type: "kubernetes:core/v1:Service", name: "web-service", props: { spec: { hostNetwork: true } } }]), []);
    });
});

describe("container-resources", () => {
    it("reports each missing request and limit with the field to set and the goship key", () => {
        const violations = only(runPolicies([withContainer({ resources: { requests: { cpu: "100m" } } })]), "container-resources");
        assert.equal(violations.length, 1);
        assert.equal(
            violations[0].message,
            'Deployment apps/web: container "app" has no requests.memory, limits.cpu, limits.memory; set resources.requests.memory: 128Mi ' +
            "(goship: goship:memoryRequest), resources.limits.cpu: 100m (goship: goship:cpuLimit), resources.limits.memory: 128Mi " +
            "(goship: goship:memoryLimit) — sized from the service's measured use.",
        );
    });

    it("checks init containers too", () => {
        const resource = deployment({ pod: podSpec({ initContainers: [container({ name: "migrate", resources: undefined })] }) });
        const violations = only(runPolicies([resource]), "container-resources");
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /init container "migrate" has no requests\.cpu, requests\.memory, limits\.cpu, limits\.memory/);
    });

    it("takes the required resources from the policy config (e.g. no CPU limit)", () => {
        const resource = withContainer({ resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } } });
        assert.equal(only(runPolicies([resource]), "container-resources").length, 1);
        const config = { "container-resources": { limits: ["memory"] } } as any;
        assert.deepEqual(runPolicies([resource], { config }), []);
    });
});

describe("container-probes", () => {
    it("reports a missing readiness probe, naming what it is for", () => {
        const violations = only(runPolicies([withContainer({ readinessProbe: undefined })]), "container-probes");
        assert.equal(violations.length, 1);
        assert.equal(
            violations[0].message,
            'Deployment apps/web: container "app" has no readinessProbe (keeps traffic off pods that cannot serve; e.g. httpGet /readyz); add it to the container.',
        );
    });

    it("reports both probes missing in one message", () => {
        const violations = only(runPolicies([withContainer({ readinessProbe: undefined, livenessProbe: undefined })]), "container-probes");
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /has no livenessProbe .* and no readinessProbe .*; add both/);
    });

    it("does not ask Jobs, CronJobs or init containers for probes", () => {
        const noProbes = container({ readinessProbe: undefined, livenessProbe: undefined });
        assert.deepEqual(only(runPolicies([cronJob(podSpec({ containers: [noProbes] }))]), "container-probes"), []);
        assert.deepEqual(only(runPolicies([deployment({ pod: podSpec({ initContainers: [{ ...noProbes, name: "init" }] }) })]), "container-probes"), []);
    });
});

describe("image-pinned-by-digest", () => {
    const unpinned: [string, string][] = [
        ["registry.example.com/team/app:1.4.2", "is pinned only by the tag 1.4.2, which can be pushed over"],
        ["127.0.0.1:5000/goship:latest", "uses the moving tag latest"],
        ["nginx", "has neither tag nor digest, so it means :latest"],
        ["127.0.0.1:5000/goship", "has neither tag nor digest"],
        ["registry.example.com/app@sha256:abc", "has a malformed digest"],
    ];
    for (const [image, reason] of unpinned) {
        it(`reports ${image}`, () => {
            const violations = only(runPolicies([withContainer({ image })]), "image-pinned-by-digest");
            assert.equal(violations.length, 1);
            assert.ok(violations[0].message.startsWith(`Deployment apps/web: container "app" image "${image}" ${reason}`), violations[0].message);
            assert.ok(violations[0].message.includes("pin it by digest as repo@sha256:<digest>"));
        });
    }

    it("accepts a digest, with or without a tag, and a registry with a port", () => {
        for (const image of [PINNED_IMAGE, `127.0.0.1:5000/goship:v1@sha256:${"a".repeat(64)}`]) {
            assert.deepEqual(only(runPolicies([withContainer({ image })]), "image-pinned-by-digest"), []);
        }
    });

    it("checks init containers", () => {
        const resource = deployment({ pod: podSpec({ initContainers: [container({ name: "migrate", image: "migrate:2" })] }) });
        assert.match(only(runPolicies([resource]), "image-pinned-by-digest")[0].message, /init container "migrate" image "migrate:2"/);
    });

    it("skips an image that is not known yet during preview, and still checks the others", () => {
        const resource = deployment({ pod: podSpec({ containers: [container({ image: UNKNOWN_STRING }), container({ name: "sidecar", image: "envoy:1.30" })] }) });
        const violations = runPolicies([resource]);
        assert.deepEqual(policyNames(violations), ["image-pinned-by-digest"]);
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /container "sidecar" image "envoy:1\.30"/);
    });
});

describe("enforcement levels from the policy config", () => {
    const resource = withContainer({ image: "app:latest" });

    it("downgrades a policy to advisory", () => {
        const violations = runPolicies([resource], { config: { "image-pinned-by-digest": "advisory" } });
        assert.deepEqual(violations.map((violation) => violation.enforcementLevel), ["advisory"]);
    });

    it("disables a policy", () => {
        assert.deepEqual(runPolicies([resource], { config: { "image-pinned-by-digest": { enforcementLevel: "disabled" } } }), []);
    });
});

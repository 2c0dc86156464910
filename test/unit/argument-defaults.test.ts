// Every `@default` in the components' argument types is what the component really does when the field is left out:
// giving the documented value explicitly resolves (or, for the registries, registers) exactly the same as omitting it.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import * as k8s from "@pulumi/kubernetes";
import { Database, DatabaseArgs } from "../../components/database";
import { resolveImageArgs } from "../../components/image";
import { AcrPersonalRegistry } from "../../components/registry/acr";
import { EcrRegistry } from "../../components/registry/ecr";
import { GenericRegistry } from "../../components/registry/generic";
import { resolveSettings } from "../../components/web-service";
import { resolveWorkerSettings } from "../../components/worker";
import { kafkaEnv } from "../../components/kafka";
import { runProgram } from "../helpers/mocks";
import { PROJECT_DIR } from "../helpers/stack-config";

const FILES = ["database/types.ts", "web-service/types.ts", "worker/types.ts", "kafka/types.ts", "image/build-plan.ts", "registry/generic.ts", "registry/ecr.ts", "registry/acr.ts"];

interface Documented {
    declaration: string;
    field: string;
    /** The documented default, evaluated; what follows the literal is commentary. */
    value: unknown;
}

/** The leading literal of a `@default` text: a string, number, boolean, or a balanced `{…}`. */
function literal(text: string): unknown {
    const match = /^("[^"]*"|-?[0-9.]+|true|false|\{[^}]*\}|\[[^\]]*\])/.exec(text.trim());
    assert.ok(match, `a @default must start with a literal: ${text}`);
    return new Function(`return (${match[1].replace(/<name>/g, "orders")});`)();
}

function documentedDefaults(): Documented[] {
    const found: Documented[] = [];
    for (const file of FILES) {
        const source = ts.createSourceFile(file, fs.readFileSync(path.join(PROJECT_DIR, "components", file), "utf8"), ts.ScriptTarget.ES2022, true);
        source.forEachChild(function visit(node) {
            if (ts.isInterfaceDeclaration(node)) {
                for (const member of node.members) {
                    const tag = ts.getJSDocTags(member).find((candidate) => candidate.tagName.text === "default");
                    if (tag && member.name) {
                        found.push({ declaration: node.name.text, field: member.name.getText(source), value: literal(ts.getTextOfJSDocComment(tag.comment) ?? "") });
                    }
                }
            }
        });
    }
    return found;
}

/** What a component makes of one field, given or left out. */
type Probe = (field: string, value: unknown) => unknown | Promise<unknown>;
const given = (field: string, value: unknown) => (value === undefined ? {} : { [field]: value });
const service = (args: object) => resolveSettings("orders", args);
/** What `create` returns and registers, run under mocks. */
async function registered(create: () => unknown): Promise<unknown> {
    let made: unknown;
    const run = await runProgram("test", { config: {}, secretKeys: [] }, { program: () => void (made = create()) });
    assert.equal(run.error, undefined, run.error?.message);
    return [made, run.resources.map((resource) => [resource.type, resource.inputs])];
}

/** A Database of each provider, with one field given or left out. */
const DIGEST_IMAGE = `registry.example.com/postgres@sha256:${"c".repeat(64)}`;
function database(provider: DatabaseArgs["provider"], fields: object): Promise<unknown> {
    const required = {
        kubernetes: { image: DIGEST_IMAGE },
        aws: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], allowedCidrs: ["10.0.0.0/16"] },
        alicloud: { zoneId: "cn-hangzhou-j", vswitchIds: ["vsw-bp1abcdefgh"], securityIps: ["10.0.0.0/16"], encryptionKeyId: "key-hzz62f1cb66fa42qo" },
    }[provider];
    return registered(() => void new Database("db", {
        provider, kubernetesProvider: new k8s.Provider("k8s", {}), namespace: "app", password: "Correct-Horse-Battery-9", ...required, ...fields,
    } as DatabaseArgs));
}
const everyProvider = (fields: object) => Promise.all((["kubernetes", "aws", "alicloud"] as const).map((provider) => database(provider, fields)));

const PROBES: Record<string, Probe> = {
    DatabaseCommonArgs: (field, value) => everyProvider(given(field, value)),
    KubernetesDatabaseArgs: (field, value) => database("kubernetes", given(field, value)),
    KubernetesDatabaseResources: (field, value) => database("kubernetes", { resources: given(field, value) }),
    AwsDatabaseArgs: (field, value) => database("aws", given(field, value)),
    AlicloudDatabaseArgs: (field, value) => database("alicloud", given(field, value)),
    WebServiceDatabaseArgs: (field, value) => service({ database: { connectionSecret: { name: "db", key: "DATABASE_URL" }, ...given(field, value) } }),
    WebServiceArgs: (field, value) => service(given(field, value)),
    ResourceArgs: (field, value) => service({ resources: given(field, value) }),
    ShutdownArgs: (field, value) => service({ shutdown: given(field, value) }),
    RolloutArgs: (field, value) => service({ rollout: given(field, value) }),
    IngressArgs: (field, value) => service({ ingress: given(field, value) }),
    IngressTlsArgs: (field, value) => service({ ingress: { tls: given(field, value) } }),
    FixedReplicasArgs: (field, value) => service({ autoscaling: { kind: "none", ...given(field, value) } }),
    HpaArgs: (field, value) => service({ autoscaling: { kind: "hpa", ...given(field, value) } }),
    KedaArgs: (field, value) => service({ autoscaling: { kind: "keda", triggers: [], ...given(field, value) } }),
    ScalingBehaviorArgs: (field, value) => ["hpa", "keda"].map((kind) => service({ autoscaling: { kind, triggers: [], ...given(field, value) } })),
    NetworkPolicyArgs: (field, value) => service({ networkPolicy: given(field, value) }),
    TracingArgs: (field, value) => service({ tracing: { endpoint: "http://collector:4318", ...given(field, value) } }),
    FaultInjectionArgs: (field, value) => service({ faultInjection: given(field, value) }),
    SloArgs: (field, value) => service({ serviceMonitor: true, slo: { latencyP99Ms: 800, errorRatePercent: 5, availabilityPercent: 99.9, ...given(field, value) } }),
    AlertingArgs: (field, value) => service({ alerting: { webhookUrl: "https://hooks.example.com/x", ...given(field, value) } }),
    CanaryDeliveryArgs: (field, value) => service({ delivery: { kind: "canary", ...given(field, value) } }),
    CanaryGateArgs: (field, value) => service({ delivery: { kind: "canary", gates: given(field, value) } }),
    WorkerArgs: (field, value) => resolveWorkerSettings("orders", given(field, value)),
    WorkerNetworkPolicyArgs: (field, value) => resolveWorkerSettings("orders", { networkPolicy: given(field, value) }),
    KafkaArgs: (field, value) => kafkaEnv({ bootstrapServers: "kafka:9092", topic: "orders", ...given(field, value) }, undefined),
    GoServiceImageArgs: (field, value) => resolveImageArgs({ context: "/src", ...given(field, value) }),
    GenericRegistryArgs: (field, value) => registered(() => new GenericRegistry("r", { server: "h", repository: "r", username: "u", password: "p", ...given(field, value) }).insecure),
    EcrRegistryArgs: (field, value) => registered(() => void new EcrRegistry("r", { repository: "team/r", ...given(field, value) })),
    AcrCommonArgs: (field, value) => registered(() => void new AcrPersonalRegistry("r", {
        repository: "r", namespace: "team", username: "u", password: pulumi.secret("p"), ...given(field, value),
    })),
};

describe("documented defaults are the components' defaults", () => {
    const documented = documentedDefaults();

    it("finds the @default of every argument type", () => {
        assert.ok(documented.length >= 40, `${documented.length} documented defaults`);
        const declarations = [...new Set(documented.map((entry) => entry.declaration))];
        assert.deepEqual(declarations.filter((declaration) => !(declaration in PROBES)), [], "every type with a @default has a probe here");
    });

    for (const entry of documented) {
        it(`${entry.declaration}.${entry.field}: @default ${JSON.stringify(entry.value)}`, async () => {
            const probe = PROBES[entry.declaration];
            assert.deepEqual(await probe(entry.field, entry.value), await probe(entry.field, undefined));
        });
    }
});

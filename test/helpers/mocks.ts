// Runs the program (index.ts) under Pulumi mocks and records every resource and invoke it registers.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, PROJECT_DIR, StackConfig } from "./stack-config";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    provider?: string;
    urn: string;
}

export interface ProgramRun {
    resources: RecordedResource[];
    calls: { token: string; inputs: Record<string, any> }[];
    outputs: Record<string, unknown>;
    /** Secret-ness of each stack output. */
    secretOutputs: Record<string, boolean>;
    error?: Error;
}

const FAKE_DIGEST = "sha256:" + "ab".repeat(32);

function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "aws:ecr/repository:Repository":
            return { ...inputs, repositoryUrl: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${inputs.name}`, registryId: "123456789012" };
        case "alicloud:cr/repo:Repo":
            return { ...inputs, domainList: { public: "registry.cn-hangzhou.aliyuncs.com", vpc: "registry-vpc.cn-hangzhou.aliyuncs.com", internal: "" } };
        case "pulumi-nodejs:dynamic:Resource":
            return { ...inputs, digest: FAKE_DIGEST, ref: `${inputs.repository}@${FAKE_DIGEST}` };
        default:
            if (type.startsWith("kubernetes:")) {
                return { ...inputs, metadata: { ...inputs.metadata, name: inputs.metadata?.name ?? name } };
            }
            return inputs;
    }
}

function mockCall(token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return { userName: "AWS", password: "ecr-token-from-mock", proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com" };
        case "alicloud:cs/getRegistryEnterpriseInstances:getRegistryEnterpriseInstances":
            return {
                instances: (inputs.ids as string[]).map((id) => ({
                    id,
                    name: "goship-prod",
                    tempUsername: "cr_temp_user",
                    authorizationToken: "acr-temp-token-from-mock",
                    publicEndpoints: [`${id}-registry.cn-hangzhou.cr.aliyuncs.com`],
                    vpcEndpoints: [`${id}-registry-vpc.cn-hangzhou.cr.aliyuncs.com`],
                })),
            };
        default:
            return {};
    }
}

const settle = (output: pulumi.Output<unknown>): Promise<{ value: unknown; secret: boolean }> =>
    new Promise((resolve) => {
        pulumi.all([output, pulumi.isSecret(output)]).apply(([value, secret]) => resolve({ value, secret }));
    });

/** Runs index.ts once in this process with the given config. */
export async function runProgram(stack: string, stackConfig: StackConfig): Promise<ProgramRun> {
    const run: ProgramRun = { resources: [], calls: [], outputs: {}, secretOutputs: {} };
    pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            run.resources.push({
                type: args.type,
                name: args.name,
                inputs: args.inputs,
                provider: args.provider,
                urn: `urn:pulumi:${stack}::${PROJECT}::${args.type}::${args.name}`,
            });
            return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
        },
        call: (args) => {
            run.calls.push({ token: args.token, inputs: args.inputs });
            return mockCall(args.token, args.inputs);
        },
    }, PROJECT, stack, false);

    const entry = path.join(PROJECT_DIR, "index.ts");
    delete require.cache[require.resolve(entry)];
    let program: Record<string, pulumi.Output<unknown>>;
    try {
        program = require(entry);
    } catch (error) {
        run.error = error as Error;
        await waitForRegistrations();
        return run;
    }
    for (const [name, output] of Object.entries(program)) {
        const settled = await settle(output);
        run.outputs[name] = settled.value;
        run.secretOutputs[name] = settled.secret;
    }
    await waitForRegistrations();
    return run;
}

async function waitForRegistrations(): Promise<void> {
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
    await settings.waitForRPCs?.();
}

export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((resource) => resource.type === type);
}

export function single(run: ProgramRun, type: string): RecordedResource {
    const found = ofType(run, type);
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}, found ${found.length}: ${run.resources.map((r) => r.type).join(", ")}`);
    }
    return found[0];
}

// Runs the program (index.ts) under Pulumi mocks and records every resource and invoke it registers.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, PROJECT_DIR, StackConfig } from "./stack-config";

export interface RecordedResource {
    type: string;
    name: string;
    /** Inputs with secrets unwrapped, for asserting values. */
    inputs: Record<string, any>;
    /** Dotted paths of the inputs that are secret. */
    secretPaths: string[];
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

/** The type token of RegistryImage's dynamic resource. */
export const REGISTRY_IMAGE = "pulumi-nodejs:dynamic/goship:RegistryImage";

/** Subnet and vSwitch CIDRs the cloud lookups answer with. */
export const MOCK_SUBNET_CIDRS: Record<string, string> = {};
const cidrOf = (id: string) => (MOCK_SUBNET_CIDRS[id] ??= `10.20.${Object.keys(MOCK_SUBNET_CIDRS).length}.0/24`);

/** The type token of GoServiceImage's dynamic resource. */
export const IMAGE_BUILD = "pulumi-nodejs:dynamic/goship:GoServiceImageBuild";

function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "aws:ecr/repository:Repository":
            return { ...inputs, repositoryUrl: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${inputs.name}`, registryId: "123456789012" };
        case "alicloud:cr/repo:Repo":
            return { ...inputs, domainList: { public: "registry.cn-hangzhou.aliyuncs.com", vpc: "registry-vpc.cn-hangzhou.aliyuncs.com", internal: "" } };
        case REGISTRY_IMAGE:
            return { ...inputs, digest: FAKE_DIGEST, ref: `${String(inputs.image).replace(/:[^/:]+$/, "")}@${FAKE_DIGEST}` };
        case "aws:rds/instance:Instance":
            return { ...inputs, address: `${name}.abcdefghijkl.eu-west-1.rds.amazonaws.com`, port: 5432 };
        case "alicloud:rds/instance:Instance":
            return { ...inputs, connectionString: `pgm-${name}.pg.rds.aliyuncs.com`, port: "5432" };
        case "alicloud:rds/rdsAccount:RdsAccount":
            return { ...inputs, accountName: inputs.accountName };
        case IMAGE_BUILD:
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
        case "aws:ec2/getSubnet:getSubnet":
            return { id: inputs.id, cidrBlock: cidrOf(inputs.id) };
        case "alicloud:vpc/getSwitches:getSwitches":
            return { ids: inputs.ids, vswitches: (inputs.ids as string[]).map((id) => ({ id, cidrBlock: cidrOf(id) })) };
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

/** The mock monitor passes secret inputs wrapped in Pulumi's secret signature. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function unwrapSecrets(input: unknown, at = ""): { value: any; secretPaths: string[] } {
    if (Array.isArray(input)) {
        const items = input.map((item, index) => unwrapSecrets(item, `${at}[${index}]`));
        return { value: items.map((item) => item.value), secretPaths: items.flatMap((item) => item.secretPaths) };
    }
    if (typeof input !== "object" || input === null) {
        return { value: input, secretPaths: [] };
    }
    const record = input as Record<string, unknown>;
    if (record[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") {
        const inner = unwrapSecrets(record.value, at);
        return { value: inner.value, secretPaths: [at || ".", ...inner.secretPaths] };
    }
    const value: Record<string, unknown> = {};
    const secretPaths: string[] = [];
    for (const [key, child] of Object.entries(record)) {
        const inner = unwrapSecrets(child, at ? `${at}.${key}` : key);
        value[key] = inner.value;
        secretPaths.push(...inner.secretPaths);
    }
    return { value, secretPaths };
}

const settle = (output: pulumi.Output<unknown>): Promise<{ value: unknown; secret: boolean }> =>
    new Promise((resolve) => {
        pulumi.all([output, pulumi.isSecret(output)]).apply(([value, secret]) => resolve({ value, secret }));
    });

/** Another stack's outputs, as a StackReference to it reads them. */
export interface ReferencedStack {
    outputs: Record<string, unknown>;
    secretOutputNames?: string[];
}

export interface ProgramOptions {
    /** The program (default: the project's index.ts). */
    entry?: string;
    /** Its Pulumi project name (default: goship). */
    project?: string;
    /** Stacks the program references, by fully qualified name. */
    stackReferences?: Record<string, ReferencedStack>;
    /** A program given inline instead of a file: it creates resources and returns its stack outputs. */
    program?: () => Record<string, pulumi.Output<unknown>> | void;
}

/** Runs a program (index.ts by default) once in this process with the given config. */
export async function runProgram(stack: string, stackConfig: StackConfig, options: ProgramOptions = {}): Promise<ProgramRun> {
    const project = options.project ?? PROJECT;
    const run: ProgramRun = { resources: [], calls: [], outputs: {}, secretOutputs: {} };
    pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            const { value, secretPaths } = unwrapSecrets(args.inputs);
            run.resources.push({
                type: args.type,
                name: args.name,
                inputs: value,
                secretPaths,
                provider: args.provider,
                urn: `urn:pulumi:${stack}::${project}::${args.type}::${args.name}`,
            });
            if (args.type === "pulumi:pulumi:StackReference") {
                const referenced = options.stackReferences?.[value.name];
                if (!referenced) {
                    throw new Error(`the program references stack ${value.name}, which the test does not provide`);
                }
                return { id: value.name, state: { name: value.name, outputs: referenced.outputs, secretOutputNames: referenced.secretOutputNames ?? [] } };
            }
            return { id: `${args.name}-id`, state: mockState(args.type, args.name, value) };
        },
        call: (args) => {
            run.calls.push({ token: args.token, inputs: args.inputs });
            return mockCall(args.token, args.inputs);
        },
    }, project, stack, false);

    let program: Record<string, pulumi.Output<unknown>>;
    try {
        if (options.program) {
            program = options.program() ?? {};
        } else {
            const entry = options.entry ?? path.join(PROJECT_DIR, "index.ts");
            delete require.cache[require.resolve(entry)];
            program = require(entry);
        }
    } catch (error) {
        run.error = error as Error;
        await waitForRegistrations();
        return run;
    }
    for (const [name, output] of Object.entries(program)) {
        if (output === undefined) {
            continue; // an export the program leaves unset (the engine omits it too)
        }
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

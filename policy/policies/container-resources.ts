// Requests let the scheduler place pods and the HPA compute utilisation; limits keep one pod from starving its
// neighbours (and give GOMEMLIMIT/GOMAXPROCS something to follow).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, describeContainer, describeObject, podSpecOf } from "../lib/kubernetes";

type ResourceName = "cpu" | "memory" | "ephemeral-storage";

export interface ContainerResourcesConfig {
    /** Resources every container must request (default: cpu, memory). */
    requests?: ResourceName[];
    /** Resources every container must be limited in (default: cpu, memory). */
    limits?: ResourceName[];
}

const DEFAULT_REQUIRED: ResourceName[] = ["cpu", "memory"];
const EXAMPLES: Record<ResourceName, string> = { "cpu": "100m", "memory": "128Mi", "ephemeral-storage": "1Gi" };
const GOSHIP_KEYS: Record<string, string> = {
    "requests.cpu": "goship:cpuRequest",
    "requests.memory": "goship:memoryRequest",
    "limits.cpu": "goship:cpuLimit",
    "limits.memory": "goship:memoryLimit",
};
const RESOURCE_LIST = { type: "array" as const, items: { type: "string" as const, enum: ["cpu", "memory", "ephemeral-storage"] } };

export const containerResources: ResourceValidationPolicy = {
    name: "container-resources",
    description: "Every container sets resource requests and limits.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requests: { ...RESOURCE_LIST, description: "Resources every container must request.", default: DEFAULT_REQUIRED },
            limits: { ...RESOURCE_LIST, description: "Resources every container must be limited in.", default: DEFAULT_REQUIRED },
        },
    },
    validateResource: (args, reportViolation) => {
        // undefined for anything without a pod template
        const pod = podSpecOf(args.type, args.props);
        if (!pod) {
            return;
        }
        const config = args.getConfig<ContainerResourcesConfig>();
        const required = { requests: config.requests ?? DEFAULT_REQUIRED, limits: config.limits ?? DEFAULT_REQUIRED };
        for (const ref of containersOf(pod, { init: true, ephemeral: false })) {
            const missing: string[] = [];
            for (const section of ["requests", "limits"] as const) {
                for (const resource of required[section]) {
                    if (ref.container.resources?.[section]?.[resource] === undefined) {
                        missing.push(`${section}.${resource}`);
                    }
                }
            }
            if (missing.length === 0) {
                continue;
            }
            const fixes = missing.map((field) => {
                const example = `resources.${field}: ${EXAMPLES[field.split(".")[1] as ResourceName]}`;
                return GOSHIP_KEYS[field] ? `${example} (goship: ${GOSHIP_KEYS[field]})` : example;
            });
            reportViolation(
                `${describeObject(args.type, args.props, args.name)}: ${describeContainer(ref)} has no ${missing.join(", ")}; ` +
                `set ${fixes.join(", ")} — sized from the service's measured use.`,
            );
        }
    },
};

// The OpenTelemetry SDK's standard variables for the service's tracing (app/README.md): exporter, sampler and the
// resource that names the service and the pod in every span. Without tracing settings none is set and the service
// exports nothing.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TracingSettings } from "./types";

/** Pod fields from the downward API, referenced as $(NAME) inside OTEL_RESOURCE_ATTRIBUTES (defined before it). */
const POD_FIELDS = { K8S_POD_NAME: "metadata.name", K8S_NODE_NAME: "spec.nodeName" } as const;

/** Variables the tracing settings set; a hand-set one would override them (the signal-specific ones win). */
export const TRACING_ENV = [
    ...Object.keys(POD_FIELDS),
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
] as const;

/** Resource attributes goship sets from the workload; only deployment.environment may be given instead. */
export const MANAGED_RESOURCE_ATTRIBUTES = ["service.name", "k8s.namespace.name", "k8s.deployment.name", "k8s.pod.name", "k8s.node.name", "k8s.container.name"];

export function tracingEnv(name: string, namespace: pulumi.Input<string>, tracing: TracingSettings): k8s.types.input.core.v1.EnvVar[] {
    const given = Object.entries(tracing.resourceAttributes);
    const attributes = pulumi.output(namespace).apply((ns) => [
        ...(tracing.resourceAttributes["deployment.environment"] === undefined ? [["deployment.environment", pulumi.getStack()]] : []),
        ["k8s.namespace.name", ns],
        ["k8s.deployment.name", name],
        ["k8s.pod.name", "$(K8S_POD_NAME)"],
        ["k8s.node.name", "$(K8S_NODE_NAME)"],
        ["k8s.container.name", "app"],
        ...given,
    ].map(([key, value]) => `${key}=${value}`).join(","));
    return [
        ...Object.entries(POD_FIELDS).map(([variable, fieldPath]) => ({ name: variable, valueFrom: { fieldRef: { fieldPath } } })),
        { name: "OTEL_SERVICE_NAME", value: name },
        { name: "OTEL_RESOURCE_ATTRIBUTES", value: attributes },
        { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: tracing.endpoint },
        { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf" },
        // A sampled (or unsampled) parent decides; a new trace is sampled with the ratio.
        { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
        { name: "OTEL_TRACES_SAMPLER_ARG", value: String(tracing.samplingRatio) },
    ];
}

import * as k8s from "@pulumi/kubernetes";

/** Labels that select the service's pods; fixed for the life of the Deployment (its selector is immutable). */
export function selectorLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
}

/** Flagger's primary copy of the Deployment `name`: its pods carry app.kubernetes.io/name `<name>-primary`. */
export const primaryName = (name: string) => `${name}-primary`;

/**
 * The service's pods as a label selector of a PDB or NetworkPolicy: with a canary, the primary's pods too (Flagger
 * rewrites only app.kubernetes.io/name on them), and never the migration Job's, which share the instance label.
 */
export function servicePodSelector(name: string, canary: boolean): k8s.types.input.meta.v1.LabelSelector {
    if (!canary) {
        return { matchLabels: selectorLabels(name) };
    }
    return {
        matchLabels: { "app.kubernetes.io/instance": name },
        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [name, primaryName(name)] }],
    };
}

/** The headless Service a canary's metrics are scraped through: the primary's pods and the canary's, by instance. */
export function metricsServiceLabels(name: string): Record<string, string> {
    return { ...commonLabels(name), "app.kubernetes.io/component": "metrics" };
}

/** Labels on every object the component creates. */
export function commonLabels(name: string): Record<string, string> {
    return { ...selectorLabels(name), "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "goship" };
}

/** Labels of the migration Job's pods: not the service's selector, so no Service, PDB or autoscaler counts them. */
export function migrationSelectorLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": `${name}-migrate`, "app.kubernetes.io/instance": name, "app.kubernetes.io/component": "migration" };
}

/** The pods of a WebService that connect to its database: what a Database's `clients` should admit. */
export function webServiceDatabaseClients(name: string): Record<string, string>[] {
    return [selectorLabels(name), migrationSelectorLabels(name)];
}

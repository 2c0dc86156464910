/** Labels that select the service's pods; fixed for the life of the Deployment (its selector is immutable). */
export function selectorLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
}

/** Labels on every object the component creates. */
export function commonLabels(name: string): Record<string, string> {
    return { ...selectorLabels(name), "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "goship" };
}

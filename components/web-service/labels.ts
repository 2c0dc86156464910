/** Labels that select the service's pods; fixed for the life of the Deployment (its selector is immutable). */
export function selectorLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
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

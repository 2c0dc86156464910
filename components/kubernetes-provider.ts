import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expandHome, isKubeconfigContent } from "./kubeconfig";
import { Problem, SECRET_SHOWN, refuseProblems } from "./validation/problems";
import { Checks, NON_EMPTY } from "./validation/rules";

export interface KubernetesConnection {
    /** Kubeconfig contents or a path to a kubeconfig file; unset: KUBECONFIG / ~/.kube/config. */
    kubeconfig?: pulumi.Input<string>;
    /** Context within the kubeconfig; unset: its current context. */
    context?: string;
    /** Write manifests to this directory instead of applying them (no cluster needed). */
    renderYamlTo?: string;
}

/** Providers that render instead of applying, with their directory: WebService refuses to render Secrets. */
const rendering = new WeakMap<k8s.Provider, string>();

export function renderedTo(provider: k8s.Provider): string | undefined {
    return rendering.get(provider);
}

/** The connection each provider was made with: a component reading the cluster itself (the Worker's readiness) uses it. */
const connections = new WeakMap<k8s.Provider, KubernetesConnection>();

/** The connection of a provider made by createKubernetesProvider; undefined for one made otherwise. */
export function connectionOf(provider: k8s.Provider): KubernetesConnection | undefined {
    return connections.get(provider);
}

export function kubernetesConnectionProblems(connection: KubernetesConnection): Problem[] {
    const checks = new Checks();
    checks.check("context", connection.context, NON_EMPTY);
    checks.check("renderYamlTo", connection.renderYamlTo, NON_EMPTY);
    const kubeconfig = connection.kubeconfig;
    if (typeof kubeconfig === "string" && !isKubeconfigContent(kubeconfig) && !fs.existsSync(expandHome(kubeconfig))) {
        checks.add("kubeconfig", "kubeconfig contents or the path of an existing file", "a path to a missing file");
    }
    if (connection.renderYamlTo !== undefined) {
        for (const field of ["kubeconfig", "context"] as const) {
            if (connection[field] !== undefined) {
                checks.add(field, (n) => `unset when ${n("renderYamlTo")} is set (rendering needs no cluster)`,
                    field === "kubeconfig" ? SECRET_SHOWN : JSON.stringify(connection[field]));
            }
        }
    }
    return checks.problems;
}

/**
 * The provider every Kubernetes object of the stack is created with. A kubeconfig path is passed as a path (the
 * provider reads it; state does not change when the file's certificates rotate) but checked here, so a missing file
 * fails at once with its name rather than as an unreachable cluster later.
 */
export function createKubernetesProvider(
    name: string,
    connection: KubernetesConnection,
    opts?: pulumi.CustomResourceOptions,
): k8s.Provider {
    refuseProblems(`Kubernetes provider ${name}`, kubernetesConnectionProblems(connection));
    const kubeconfig = connection.kubeconfig === undefined
        ? undefined
        : pulumi.secret(pulumi.output(connection.kubeconfig).apply(checkKubeconfig));
    const provider = new k8s.Provider(name, {
        kubeconfig,
        context: connection.context,
        renderYamlToDirectory: connection.renderYamlTo,
    }, opts);
    if (connection.renderYamlTo !== undefined) {
        rendering.set(provider, connection.renderYamlTo);
    }
    connections.set(provider, { ...connection, kubeconfig });
    return provider;
}

/** A kubeconfig that arrives as an Output (another stack's) is checked when it resolves. */
function checkKubeconfig(kubeconfig: string): string {
    if (isKubeconfigContent(kubeconfig)) {
        return kubeconfig;
    }
    const file = expandHome(kubeconfig);
    if (!fs.existsSync(file)) {
        throw new Error(`kubeconfig: file ${file} not found (give the kubeconfig's contents or an existing path)`);
    }
    return file;
}

import * as fs from "fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expandHome, isKubeconfigContent } from "./kubeconfig";

export interface KubernetesConnection {
    /** Kubeconfig contents or a path to a kubeconfig file; undefined: KUBECONFIG / ~/.kube/config. */
    kubeconfig?: pulumi.Input<string>;
    /** Context within the kubeconfig; undefined: its current context. */
    context?: string;
    /** Write manifests to this directory instead of applying them. */
    renderYamlTo?: string;
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
    const kubeconfig = connection.kubeconfig === undefined
        ? undefined
        : pulumi.secret(pulumi.output(connection.kubeconfig).apply(checkKubeconfig));
    return new k8s.Provider(name, {
        kubeconfig,
        context: connection.context,
        renderYamlToDirectory: connection.renderYamlTo,
    }, opts);
}

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

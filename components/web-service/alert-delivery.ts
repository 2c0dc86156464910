// Delivery of the service's alerts to a webhook: an AlertmanagerConfig in the service's namespace that routes the
// alerts labelled with this service (prometheus-operator also adds a matcher on the namespace) to a webhook whose URL
// it reads from a Secret, so the URL is in no object's plaintext and only encrypted in the state.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, ObjectMeta } from "./child-options";
import { AlertingSettings } from "./types";

export const WEBHOOK_URL_KEY = "url";

export function createAlertWebhookSecret(meta: ObjectMeta, webhookUrl: pulumi.Input<string>, opts: ChildOptions): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(`${meta.name}-alert-webhook`, {
        metadata: { ...meta, name: `${meta.name}-alert-webhook` },
        type: "Opaque",
        stringData: { [WEBHOOK_URL_KEY]: pulumi.secret(webhookUrl) },
    }, opts);
}

export function createAlertmanagerConfig(
    meta: ObjectMeta,
    alerting: AlertingSettings,
    inputs: { secretName: pulumi.Input<string> },
    opts: ChildOptions,
): k8s.apiextensions.CustomResource {
    const receiver = "webhook";
    return new k8s.apiextensions.CustomResource(`${meta.name}-alertmanagerconfig`, {
        apiVersion: "monitoring.coreos.com/v1alpha1",
        kind: "AlertmanagerConfig",
        metadata: meta,
        spec: {
            route: {
                receiver,
                groupBy: ["alertname", "namespace", "service"],
                groupWait: `${alerting.groupWaitSeconds}s`,
                groupInterval: `${alerting.groupIntervalSeconds}s`,
                repeatInterval: `${alerting.repeatIntervalMinutes}m`,
                matchers: [{ name: "service", value: meta.name, matchType: "=" }],
            },
            receivers: [{
                name: receiver,
                webhookConfigs: [{ urlSecret: { name: inputs.secretName, key: WEBHOOK_URL_KEY }, sendResolved: true }],
            }],
        },
    }, opts);
}

// Without readiness the Service routes to pods that cannot serve yet (every rollout drops requests); without
// liveness a wedged process is never restarted.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { SERVING_KINDS, containersOf, describeContainer, describeObject, podSpecOf } from "../lib/kubernetes";

export const containerProbes: ResourceValidationPolicy = {
    name: "container-probes",
    description: "Every container of a long-running workload has a liveness and a readiness probe.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!SERVING_KINDS.includes(args.type)) {
            return;
        }
        const pod = podSpecOf(args.type, args.props);
        if (!pod) {
            return;
        }
        for (const ref of containersOf(pod, { init: false, ephemeral: false })) {
            const missing: string[] = [];
            if (!ref.container.livenessProbe) {
                missing.push("livenessProbe (restarts a wedged process; e.g. httpGet /livez)");
            }
            if (!ref.container.readinessProbe) {
                missing.push("readinessProbe (keeps traffic off pods that cannot serve; e.g. httpGet /readyz)");
            }
            if (missing.length > 0) {
                reportViolation(`${describeObject(args.type, args.props, args.name)}: ${describeContainer(ref)} has no ${missing.join(" and no ")}; add ${missing.length === 1 ? "it" : "both"} to the container.`);
            }
        }
    },
};

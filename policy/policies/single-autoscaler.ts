// KEDA drives a workload through an HPA of its own. A second HPA on the same workload means two controllers
// setting one replica count: the pod count oscillates (kedacore/keda#5288).
import { StackValidationPolicy } from "@pulumi/policy";
import { autoscalersOf, scalableWorkloadsOf } from "../lib/autoscalers";

export const singleAutoscalerPerWorkload: StackValidationPolicy = {
    name: "single-autoscaler-per-workload",
    description: "No workload is targeted by a HorizontalPodAutoscaler and a KEDA ScaledObject (or by two of either).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const autoscalers = autoscalersOf(args.resources);
        const workloads = scalableWorkloadsOf(args.resources);
        const targets = [...new Set(autoscalers.map((autoscaler) => autoscaler.target))];
        for (const target of targets) {
            // HPAs first, then by name: the message does not depend on the order the engine registered them in.
            const owners = autoscalers
                .filter((autoscaler) => autoscaler.target === target)
                .sort((a, b) => a.kind.localeCompare(b.kind) || a.description.localeCompare(b.description));
            if (owners.length < 2) {
                continue;
            }
            const workload = workloads.find((candidate) => candidate.key === target);
            const [namespace, kind, name] = target.split("/");
            const mixed = owners.some((owner) => owner.kind === "hpa") && owners.some((owner) => owner.kind === "keda");
            reportViolation(
                `${kind} ${namespace}/${name} is scaled by ${owners.map((owner) => owner.description).join(" and ")}` +
                (mixed ? ": KEDA creates its own HPA for a ScaledObject, so the two fight over the replica count" : ": they fight over the replica count") +
                ". Keep exactly one autoscaler — with goship set goship:autoscaling to hpa or keda (never both); otherwise delete the others.",
                (workload?.resource ?? owners[1].resource).urn,
            );
        }
    },
};

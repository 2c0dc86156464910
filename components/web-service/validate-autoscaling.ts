// One autoscaler or none, with what the API server (HPA) and KEDA's admission webhook would refuse refused here.
import { DEFAULTS } from "../defaults";
import { BOOLEAN, Checks, fieldsOf, isRecord, rule } from "../validation/rules";
import { checkTrigger } from "./keda-triggers";
import { SERVICE_RULES as R } from "./rules";
import { AutoscalingArgs, FixedReplicasArgs, HpaArgs, KedaArgs, ScalingBehaviorArgs } from "./types";

const BEHAVIOR = fieldsOf<ScalingBehaviorArgs>({ scaleUpStabilizationSeconds: true, scaleDownStabilizationSeconds: true });
const SCALER = { kind: true, minReplicas: true, maxReplicas: true, scaleUpStabilizationSeconds: true, scaleDownStabilizationSeconds: true } as const;
const FIELDS = {
    none: fieldsOf<FixedReplicasArgs>({ kind: true, replicas: true }),
    hpa: fieldsOf<HpaArgs>({ ...SCALER, targetCpuUtilization: true, targetMemoryUtilization: true }),
    keda: fieldsOf<KedaArgs>({ ...SCALER, triggers: true, pollingIntervalSeconds: true, cooldownSeconds: true, fallbackReplicas: true, awaitReady: true }),
};

export function checkAutoscaling(checks: Checks, args: AutoscalingArgs | undefined): void {
    if (args === undefined) {
        return;
    }
    const path = "autoscaling";
    if (!isRecord(args) || !checks.check(`${path}.kind`, args.kind, R.autoscalingKind, { required: true })) {
        return;
    }
    checks.fields(path, args, FIELDS[args.kind], `a ${args.kind} autoscaling`);
    if (args.kind === "none") {
        checks.check(`${path}.replicas`, args.replicas, R.replicas);
        return;
    }
    for (const field of BEHAVIOR) {
        checks.check(`${path}.${field}`, (args as unknown as Record<string, unknown>)[field], R.stabilizationSeconds);
    }
    checks.check(`${path}.maxReplicas`, args.maxReplicas, R.maxReplicas);
    const max = args.maxReplicas ?? DEFAULTS.autoscaling.maxReplicas;
    const atMostMax = (field: string, value: unknown) => {
        if (typeof value === "number" && Number.isInteger(max) && value > max) {
            checks.add(field, (n) => `at most ${n(`${path}.maxReplicas`)} (${max})`, String(value));
        }
    };

    if (args.kind === "hpa") {
        if (checks.check(`${path}.minReplicas`, args.minReplicas, R.hpaMinReplicas)) {
            atMostMax(`${path}.minReplicas`, args.minReplicas);
        }
        checks.check(`${path}.targetCpuUtilization`, args.targetCpuUtilization, R.utilization);
        checks.check(`${path}.targetMemoryUtilization`, args.targetMemoryUtilization, R.utilization);
        return;
    }

    const types: string[] = [];
    checks.list(`${path}.triggers`, args.triggers, (itemPath, trigger) => {
        const type = checkTrigger(checks, itemPath, trigger);
        if (type !== undefined) {
            types.push(type);
        }
        if (type === "cron") {
            atMostMax(`${itemPath}.desiredReplicas`, Number((trigger as { desiredReplicas: unknown }).desiredReplicas));
        }
    }, { nonEmpty: "at least one trigger" });
    if (args.triggers === undefined) {
        checks.add(`${path}.triggers`, "at least one trigger", "nothing");
    }
    // cpu and memory need a running pod to measure: KEDA refuses to scale them to zero or to fall back on them.
    const resourceOnly = types.length > 0 && types.every((type) => type === "cpu" || type === "memory");
    const minRule = resourceOnly ? rule(`${R.hpaMinReplicas.expected} (cpu and memory triggers cannot scale to zero)`, R.hpaMinReplicas.accepts) : R.kedaMinReplicas;
    if (checks.check(`${path}.minReplicas`, args.minReplicas, minRule)) {
        atMostMax(`${path}.minReplicas`, args.minReplicas);
    }
    checks.check(`${path}.pollingIntervalSeconds`, args.pollingIntervalSeconds, R.pollingIntervalSeconds);
    checks.check(`${path}.cooldownSeconds`, args.cooldownSeconds, R.cooldownSeconds);
    if (checks.check(`${path}.fallbackReplicas`, args.fallbackReplicas, R.fallbackReplicas)) {
        atMostMax(`${path}.fallbackReplicas`, args.fallbackReplicas);
        if (args.fallbackReplicas !== undefined && resourceOnly) {
            checks.add(`${path}.fallbackReplicas`, (n) => `unset when every trigger is cpu or memory (KEDA has no fallback for them; add an event trigger to ${n(`${path}.triggers`)})`, String(args.fallbackReplicas));
        }
    }
    checks.check(`${path}.awaitReady`, args.awaitReady, BOOLEAN);
}

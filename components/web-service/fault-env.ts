// The service's fault injection (FAULT_DELAY, FAULT_ERROR_PERCENT; app/README.md), for tests that need slow or
// failing requests, e.g. to see an alert fire. WebService refuses it on a production service and the policy pack
// denies the variables on a production stack.
import * as k8s from "@pulumi/kubernetes";
import { FaultInjectionSettings } from "./types";

export const FAULT_ENV = ["FAULT_DELAY", "FAULT_ERROR_PERCENT"] as const;

export function faultInjectionEnv(faults: FaultInjectionSettings): k8s.types.input.core.v1.EnvVar[] {
    return [
        // A Go duration.
        { name: "FAULT_DELAY", value: `${faults.delayMs}ms` },
        { name: "FAULT_ERROR_PERCENT", value: String(faults.errorPercent) },
    ];
}

// A production endpoint served over plain HTTP leaks credentials and sessions to anyone on the path.
import { StackValidationPolicy } from "@pulumi/policy";
import { INGRESS_KINDS, Props, describeObject } from "../lib/kubernetes";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

/** The hosts (or "any host") an Ingress serves without a TLS entry covering them. */
export function hostsWithoutTls(spec: Props | undefined): string[] {
    const tls: Props[] = spec?.tls ?? [];
    const covered = new Set<string>(tls.flatMap((entry) => entry.hosts ?? []));
    // A TLS entry without hosts serves its certificate for requests without a matching host.
    const coversAny = tls.some((entry) => (entry.hosts ?? []).length === 0);
    const rules: Props[] = spec?.rules ?? [];
    const hosts: (string | undefined)[] = rules.length > 0 ? rules.map((rule) => rule.host) : [undefined];
    return hosts
        .filter((host) => (host === undefined ? tls.length === 0 : !covered.has(host) && !coversAny))
        .map((host) => host ?? "any host");
}

export const productionIngressTls: StackValidationPolicy = {
    name: "production-ingress-tls",
    description: "On a production stack every Ingress serves its hosts over TLS.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...PRODUCTION_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.getConfig<ProductionConfig>(), args.stackTags, args.resources)) {
            return;
        }
        for (const ingress of args.resources.filter((resource) => INGRESS_KINDS.includes(resource.type))) {
            const missing = hostsWithoutTls(ingress.props.spec);
            if (missing.length > 0) {
                reportViolation(
                    `${describeObject(ingress.type, ingress.props, ingress.name)} serves ${missing.join(", ")} without TLS on a production stack; ` +
                    "add spec.tls with a certificate Secret listing those hosts " +
                    "(goship: goship:ingressTlsSecret, or goship:ingressCertManagerIssuer to have cert-manager issue it).",
                    ingress.urn,
                );
            }
        }
    },
};

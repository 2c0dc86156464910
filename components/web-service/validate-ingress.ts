// The Ingress as the API server and the controllers read it: DNS hosts (never IPs), literal paths for Prefix and
// Exact, and no ingress-nginx rewrite that would send every request to one path.
import { QUALIFIED_NAME } from "../validation/kubernetes-names";
import { BOOLEAN, Checks, STRING, fieldsOf, key } from "../validation/rules";
import { SERVICE_RULES as R } from "./rules";
import { IngressArgs, IngressTlsArgs } from "./types";

const REWRITE_TARGET = "nginx.ingress.kubernetes.io/rewrite-target";
const FIELDS = fieldsOf<IngressArgs>({ className: true, host: true, path: true, pathType: true, tls: true, annotations: true, skipAwait: true });
const TLS_FIELDS = fieldsOf<IngressTlsArgs>({ secretName: true, certManagerIssuer: true });

/** The API server's rule for Prefix and Exact paths, and no regex syntax, which only ImplementationSpecific means. */
function literalPathProblem(path: string): string | undefined {
    if (/\/\/|\/\.\.?(\/|$)|%2f/i.test(path)) {
        return "a path without //, /./, /../ or %2F (the API server refuses them for Prefix and Exact)";
    }
    if (/[()[\]{}*+?|^$\\]/.test(path)) {
        return "a literal path (a regex path needs pathType ImplementationSpecific)";
    }
    return undefined;
}

/** Capture groups of a regex path: `(` not escaped and not `(?`. */
function captureGroups(path: string): number {
    return (path.match(/(?<!\\)\((?!\?)/g) ?? []).length;
}

export function checkIngress(checks: Checks, ingress: IngressArgs | undefined): void {
    if (ingress === undefined) {
        return;
    }
    const at = (field: string) => key("ingress", field);
    if (!checks.fields("ingress", ingress, FIELDS, "an Ingress")) {
        return;
    }
    checks.check(at("className"), ingress.className, R.ingressClassName);
    checks.check(at("host"), ingress.host, R.ingressHost);
    checks.check(at("pathType"), ingress.pathType, R.pathType);
    const path = ingress.path ?? "/";
    const pathType = ingress.pathType ?? "Prefix";
    if (checks.check(at("path"), ingress.path, R.ingressPath) && pathType !== "ImplementationSpecific") {
        const problem = literalPathProblem(path);
        if (problem) {
            checks.add(at("path"), problem, JSON.stringify(path));
        }
    }
    checks.check(at("skipAwait"), ingress.skipAwait, BOOLEAN);
    if (ingress.tls !== undefined && checks.fields(at("tls"), ingress.tls, TLS_FIELDS, "TLS settings")) {
        checks.check(key(at("tls"), "secretName"), ingress.tls.secretName, R.secretName);
        checks.check(key(at("tls"), "certManagerIssuer"), ingress.tls.certManagerIssuer, R.secretName);
        if (ingress.tls.certManagerIssuer !== undefined && ingress.host === undefined) {
            checks.add(at("host"), (n) => `a host name when ${n(key(at("tls"), "certManagerIssuer"))} is set (the certificate is issued for it)`, "nothing");
        }
    }
    const annotations = checks.map(at("annotations"), ingress.annotations, QUALIFIED_NAME, STRING);
    const target = annotations[REWRITE_TARGET];
    if (typeof target === "string") {
        const groups = captureGroups(path);
        const used = [...target.matchAll(/\$([0-9])/g)].map((match) => Number(match[1]));
        if (pathType !== "ImplementationSpecific" || groups === 0 || used.length === 0 || used.some((group) => group < 1 || group > groups)) {
            checks.add(key(at("annotations"), REWRITE_TARGET),
                (n) => `a target that uses a capture group of ${n(at("path"))}, with ${n(at("pathType"))} ImplementationSpecific ` +
                    "(e.g. path /api(/|$)(.*) and target /$2): ingress-nginx rewrites every request to a target without one",
                `${JSON.stringify(target)} with path ${JSON.stringify(path)} (${pathType})`);
        }
    }
}

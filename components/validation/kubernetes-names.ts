// The names the Kubernetes API server accepts (apimachinery's validation package), checked before anything is sent.
import { isIpAddress } from "./net";
import { Rule, matching, rule } from "./rules";

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

/** RFC 1123 label: namespaces, Secret and most object names that become DNS labels. */
export const DNS_LABEL = matching(new RegExp(`^${LABEL}$`), "a DNS label (lowercase letters, digits and '-', at most 63 characters)", 63);

/** RFC 1123 subdomain: IngressClass, Secret and ConfigMap names. */
export const DNS_SUBDOMAIN = matching(new RegExp(`^${LABEL}(\\.${LABEL})*$`), "a DNS subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)", 253);

/** An Ingress rule's host: a DNS name, optionally with a leading `*.`, never an IP address (the API server refuses one). */
export const INGRESS_HOST: Rule = rule(
    "a DNS host name such as api.example.com or *.example.com (not an IP address)",
    (value) => typeof value === "string" && !isIpAddress(value) && DNS_SUBDOMAIN.accepts(value.replace(/^\*\./, "")),
);

/** An annotation or label key: an optional DNS-subdomain prefix and a name of at most 63 characters. */
export const QUALIFIED_NAME: Rule = rule("a key like example.com/name (prefix optional)", (value) => {
    if (typeof value !== "string") {
        return false;
    }
    const slash = value.lastIndexOf("/");
    const name = value.slice(slash + 1);
    return (slash < 0 || DNS_SUBDOMAIN.accepts(value.slice(0, slash))) &&
        name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
});

/** An environment variable name a container can be given (C identifier: what envFrom passes on). */
export const ENV_NAME = matching(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name (letters, digits and '_', not starting with a digit)");

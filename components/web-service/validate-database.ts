// The service's database: a Secret and key to read DATABASE_URL from, where the connections go, and the migration.
import * as pulumi from "@pulumi/pulumi";
import { DNS_SUBDOMAIN, QUALIFIED_NAME } from "../validation/kubernetes-names";
import { isCidr } from "../validation/net";
import { shown } from "../validation/problems";
import { BOOLEAN, Checks, STRING, fieldsOf, integer, isRecord, key, matching } from "../validation/rules";
import { SERVICE_RULES as R } from "./rules";
import { WebServiceDatabaseArgs } from "./types";

const FIELDS = fieldsOf<WebServiceDatabaseArgs>({ connectionSecret: true, egress: true, migration: true, migrate: true, migrationTimeoutSeconds: true });
const SECRET_FIELDS = ["name", "key"];
/** A Secret's data key, as the API server accepts it. */
const SECRET_KEY = matching(/^[-._a-zA-Z0-9]{1,253}$/, "a Secret key (letters, digits, '-', '_' and '.')");
export const MIGRATION_TIMEOUT_SECONDS = integer(30, 3600);

export function checkDatabase(checks: Checks, database: WebServiceDatabaseArgs | undefined): void {
    if (database === undefined) {
        return;
    }
    if (!checks.fields("database", database, FIELDS, "database settings")) {
        return;
    }
    const secret = database.connectionSecret;
    if (secret === undefined) {
        checks.add("database.connectionSecret", "{name, key} of a Secret holding a postgres:// DATABASE_URL", "nothing");
    } else if (checks.fields("database.connectionSecret", secret, SECRET_FIELDS, "a Secret reference {name, key}")) {
        if (secret.name === undefined) {
            checks.add("database.connectionSecret.name", DNS_SUBDOMAIN.expected, "nothing");
        } else if (!pulumi.Output.isInstance(secret.name)) {
            checks.check("database.connectionSecret.name", secret.name, DNS_SUBDOMAIN);
        }
        checks.check("database.connectionSecret.key", secret.key, SECRET_KEY, { required: true });
    }
    checkEgress(checks, database.egress);
    if (database.migration !== undefined && !pulumi.Resource.isInstance(database.migration)) {
        checks.add("database.migration", "a Pulumi resource to wait for (a WebService's migratedDatabase carries its migration Job)", shown(database.migration));
    }
    checks.check("database.migrate", database.migrate, BOOLEAN);
    checks.check("database.migrationTimeoutSeconds", database.migrationTimeoutSeconds, MIGRATION_TIMEOUT_SECONDS);
}

function checkEgress(checks: Checks, egress: unknown): void {
    if (egress === undefined) {
        return;
    }
    const at = "database.egress";
    if (!isRecord(egress) || ("podSelector" in egress) === ("cidrs" in egress)) {
        checks.add(at, "{podSelector: {labels}, port} or {cidrs: […], port}", shown(egress));
        return;
    }
    checks.check(key(at, "port"), egress.port, R.port, { required: true });
    if ("podSelector" in egress) {
        checks.fields(at, egress, ["podSelector", "port"], "a pod egress rule");
        const labels = checks.map(key(at, "podSelector"), egress.podSelector, QUALIFIED_NAME, STRING);
        if (Object.keys(labels).length === 0) {
            checks.add(key(at, "podSelector"), "a non-empty map of the database pods' labels", shown(egress.podSelector));
        }
        return;
    }
    checks.fields(at, egress, ["cidrs", "port"], "a CIDR egress rule");
    if (!pulumi.Output.isInstance(egress.cidrs)) {
        checks.list(key(at, "cidrs"), egress.cidrs, (item, cidr) => {
            if (!pulumi.Output.isInstance(cidr)) {
                checks.check(item, cidr, { expected: "a CIDR such as 10.0.0.0/16", accepts: (value) => typeof value === "string" && isCidr(value) });
            }
        }, { nonEmpty: "at least one CIDR" });
    }
}

// Database: one PostgreSQL database for a service and the Kubernetes Secret holding its DATABASE_URL, on the
// cluster (kubernetes), AWS RDS (aws) or ApsaraDB RDS (alicloud). Cloud halves are loaded only when chosen, so a
// program that uses the in-cluster database never loads @pulumi/aws or @pulumi/alicloud (nor needs their plugins).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { renderedTo } from "../kubernetes-provider";
import { ArgumentError, refuseProblems } from "../validation/problems";
import { applyAnnotations, ObjectMeta } from "../web-service/child-options";
import { commonLabels } from "../web-service/labels";
import { CONNECTION_SECRET_KEY, createConnectionSecret } from "./connection-secret";
import { createKubernetesDatabase } from "./kubernetes";
import { ProvisionedDatabase } from "./provisioned";
import { DatabaseArgs, DatabaseConnection, DatabaseEgress } from "./types";
import { connectionUrl } from "./url";
import { databaseProblems, passwordProblems } from "./validate";

export * from "./types";
export { CONNECTION_SECRET_KEY } from "./connection-secret";
export { DATABASE_RULES } from "./rules";
export { databaseProblems, passwordProblems } from "./validate";
export { connectionUrl } from "./url";
export { databasePodLabels } from "./kubernetes";

export class Database extends pulumi.ComponentResource {
    /** The Secret (in the app's namespace) and key holding DATABASE_URL. */
    readonly connectionSecret: { name: pulumi.Output<string>; key: string };
    /** What WebService's `database` argument takes: the Secret and the egress rule to reach the database. */
    readonly connection: DatabaseConnection;
    readonly egress: DatabaseEgress;
    readonly host: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly databaseName: string;
    readonly username: string;
    /** kubernetes: the database pod's labels (for NetworkPolicies of your own); undefined on the cloud providers. */
    readonly podLabels?: Record<string, string>;

    /**
     * `name` names the database's objects (StatefulSet, Service, RDS instance, …). Every problem of the arguments is
     * reported at once, before anything is registered; a password given as an Output is checked when it resolves.
     */
    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        const renderYamlTo = args.kubernetesProvider instanceof k8s.Provider ? renderedTo(args.kubernetesProvider) : undefined;
        refuseProblems(`Database ${name}`, databaseProblems(name, args, { renderYamlTo }));
        super("goship:database:Database", name, {}, opts);

        const names = {
            databaseName: args.databaseName ?? DEFAULTS.database.databaseName,
            username: args.username ?? DEFAULTS.database.username,
        };
        // Every resource that receives the password waits for this check: a bad one reaches none of them.
        const password = pulumi.secret(pulumi.output(args.password).apply((value) => {
            const problems = passwordProblems(args.provider, value);
            if (problems.length > 0) {
                throw new ArgumentError(`Database ${name}`, problems);
            }
            return value;
        }));
        const meta: ObjectMeta = {
            name,
            namespace: args.namespace,
            labels: commonLabels(name),
            annotations: applyAnnotations(args.forceApply ?? DEFAULTS.forceApply),
        };
        const child = { parent: this, provider: args.kubernetesProvider };

        let provisioned: ProvisionedDatabase;
        switch (args.provider) {
            case "kubernetes":
                provisioned = createKubernetesDatabase(meta, args, names, password, child);
                break;
            case "aws": {
                const { createAwsDatabase } = require("./aws") as typeof import("./aws");
                provisioned = createAwsDatabase(name, args, names, password, { parent: this });
                break;
            }
            case "alicloud": {
                const { createAlicloudDatabase } = require("./alicloud") as typeof import("./alicloud");
                provisioned = createAlicloudDatabase(name, args, names, password, { parent: this });
                break;
            }
        }

        const url = pulumi.all([provisioned.host, provisioned.port, password]).apply(([host, port, secret]) =>
            connectionUrl({ ...names, password: secret, host, port, sslmode: provisioned.sslmode }));
        const secret = createConnectionSecret(meta, url, { ...child, dependsOn: provisioned.ready });

        this.connectionSecret = { name: secret.metadata.name, key: CONNECTION_SECRET_KEY };
        this.egress = provisioned.egress;
        this.connection = { connectionSecret: this.connectionSecret, egress: this.egress };
        this.host = provisioned.host;
        this.port = provisioned.port;
        this.databaseName = names.databaseName;
        this.username = names.username;
        this.podLabels = provisioned.podLabels;
        this.registerOutputs({ connectionSecretName: this.connectionSecret.name, host: this.host, port: this.port });
    }
}

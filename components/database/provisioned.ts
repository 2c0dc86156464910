import * as pulumi from "@pulumi/pulumi";
import { DatabaseEgress } from "./types";
import { SslMode } from "./url";

/** What each provider's half of Database hands back: where to connect, and what must exist before anyone does. */
export interface ProvisionedDatabase {
    host: pulumi.Output<string>;
    port: pulumi.Output<number>;
    sslmode: SslMode;
    egress: DatabaseEgress;
    /** The connection Secret waits for these: a client that can read it finds the database ready. */
    ready: pulumi.Resource[];
    /** kubernetes: the labels of the database's pod. */
    podLabels?: Record<string, string>;
}

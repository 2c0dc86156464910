// The policy pack's entry point, run by the Pulumi CLI: pulumi preview --policy-pack policy (docs/policy.md).
// Every policy defaults to mandatory; --policy-pack-config <file.json> changes levels and options.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES, POLICY_PACK_NAME } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { policies: POLICIES, enforcementLevel: "mandatory" });

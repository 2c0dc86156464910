// Every policy of the pack, in the order the CLI lists them. Kept apart from index.ts so tests can load the
// policies without starting the pack's gRPC server (PolicyPack's constructor does).
import { Policies } from "@pulumi/policy";
import { containerProbes } from "./policies/container-probes";
import { containerResources } from "./policies/container-resources";
import { ecrScanOnPushAndImmutableTags } from "./policies/ecr-repository";
import { imagePinnedByDigest } from "./policies/image-digest";
import { podSecurityRestricted } from "./policies/pod-security";
import { productionGuaranteedPods } from "./policies/production-guaranteed-pods";
import { productionIngressTls } from "./policies/production-ingress-tls";
import { productionNoFaultInjection } from "./policies/production-no-fault-injection";
import { productionCanaryGates } from "./policies/production-canary-gates";
import { productionAuthenticatedKafka } from "./policies/production-authenticated-kafka";
import { productionDatabaseProtection } from "./policies/production-database-protection";
import { productionPodDisruptionBudget } from "./policies/production-pdb";
import { productionPersistentUsers } from "./policies/production-persistent-users";
import { singleAutoscalerPerWorkload } from "./policies/single-autoscaler";

export const POLICY_PACK_NAME = "goship";

export const POLICIES: Policies = [
    podSecurityRestricted,
    containerResources,
    containerProbes,
    imagePinnedByDigest,
    singleAutoscalerPerWorkload,
    productionGuaranteedPods,
    productionPodDisruptionBudget,
    productionIngressTls,
    productionNoFaultInjection,
    productionPersistentUsers,
    productionDatabaseProtection,
    productionAuthenticatedKafka,
    productionCanaryGates,
    ecrScanOnPushAndImmutableTags,
];

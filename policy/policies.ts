/**
 * The pack's policies: each wraps one pure rule from ./rules in the
 * `@pulumi/policy` shape. policy/index.ts serves them; tests and the offline
 * evaluator (./evaluate.ts) call them directly.
 */
import type { Policies, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { ALB_TARGET_TYPE_RULE, albTargetTypeViolations } from "./rules/albTargetType";
import { PLAINTEXT_SECRETS_RULE, plaintextSecretViolations, secretMarkersVisible } from "./rules/plaintextSecrets";
import { PROD_CANARY_RULE, prodCanaryStepViolations } from "./rules/prodCanaryStep";
import { PROD_MTLS_RULE, prodMtlsViolations } from "./rules/prodMtls";
import { RECORD_SYNC_OWNER_RULE, recordSyncOwnerViolations } from "./rules/recordSyncOwner";
import type { PolicySubject } from "./rules/subject";

function resourcePolicy(
    name: string,
    description: string,
    rule: (subject: PolicySubject) => string[],
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            for (const message of rule(args)) {
                reportViolation(message);
            }
        },
    };
}

export const albIngressTargetTypeIp = resourcePolicy(
    ALB_TARGET_TYPE_RULE,
    "ALB Ingresses (ingressClassName alb, or the kubernetes.io/ingress.class annotation) use alb.ingress.kubernetes.io/target-type: ip.",
    albTargetTypeViolations,
);

export const prodCanaryMaxStep = resourcePolicy(
    PROD_CANARY_RULE,
    "On prod stacks the TrafficSplit raises the canary weight by at most canary.maxStep per update; canary.force may only roll back to 0.",
    prodCanaryStepViolations,
);

export const prodMtlsStrict = resourcePolicy(
    PROD_MTLS_RULE,
    "On prod stacks every Istio PeerAuthentication keeps mutual TLS STRICT, port-level overrides included.",
    prodMtlsViolations,
);

export const recordSyncOwnerId = resourcePolicy(
    RECORD_SYNC_OWNER_RULE,
    "Every Route53RecordSync has a non-empty TXT registry owner id other than ExternalDNS's default.",
    recordSyncOwnerViolations,
);

export const noPlaintextSecrets: StackValidationPolicy = {
    name: PLAINTEXT_SECRETS_RULE,
    description: "No kubeconfig, Kubernetes Secret data, token, password or other credential in plain text in any resource's state or the stack's outputs.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        if (!secretMarkersVisible(args.resources)) {
            args.notApplicable("secret markers are not visible to policies under this engine (pulumi/pulumi-policy#241); the offline evaluation (policy/offline.ts, run by the tests for every stack) applies this rule");
        }
        for (const v of plaintextSecretViolations(args.resources)) {
            reportViolation(v.message, v.urn);
        }
    },
};

export const policies: Policies = [albIngressTargetTypeIp, prodCanaryMaxStep, prodMtlsStrict, recordSyncOwnerId, noPlaintextSecrets];

/**
 * The eks-ingress-mesh policy pack: `pulumi preview --policy-pack policy`
 * (CI runs it on every preview and up). The rules are pure functions in
 * ./rules, registered in ./policies.ts; see README.md.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("eks-ingress-mesh", {
    description: "Guards for the eks-ingress-mesh stacks: ALB IP targets, prod canary steps and mTLS, DNS ownership, no plaintext secrets.",
    enforcementLevel: "mandatory",
    policies,
});

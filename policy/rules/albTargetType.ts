/**
 * ALB Ingresses send traffic straight to pod IPs (`target-type: ip`): no
 * NodePort hop, health checks that see the pod, and targets the mesh gateway's
 * pods themselves. `instance` mode (the controller's default when the
 * annotation is missing) would route through every node's kube-proxy.
 */
import { isRecord, PolicySubject, pathValue, show, violation } from "./subject";

export const ALB_TARGET_TYPE_RULE = "alb-ingress-target-type-ip";

export const INGRESS_TYPES: readonly string[] = [
    "kubernetes:networking.k8s.io/v1:Ingress",
    "kubernetes:networking.k8s.io/v1beta1:Ingress",
    "kubernetes:extensions/v1beta1:Ingress",
];

export const ALB_CLASS = "alb";
export const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
export const TARGET_TYPE_ANNOTATION = "alb.ingress.kubernetes.io/target-type";

function annotations(subject: PolicySubject): Record<string, unknown> {
    const value = pathValue(subject.props, "metadata", "annotations");
    return isRecord(value) ? value : {};
}

/** An Ingress handled by the AWS Load Balancer Controller: class `alb` by spec or by the legacy annotation. */
export function isAlbIngress(subject: PolicySubject): boolean {
    if (!INGRESS_TYPES.includes(subject.type)) {
        return false;
    }
    return pathValue(subject.props, "spec", "ingressClassName") === ALB_CLASS || annotations(subject)[LEGACY_CLASS_ANNOTATION] === ALB_CLASS;
}

/** Violation messages for one resource; empty when it complies or is not an ALB Ingress. */
export function albTargetTypeViolations(subject: PolicySubject): string[] {
    if (!isAlbIngress(subject)) {
        return [];
    }
    const targetType = annotations(subject)[TARGET_TYPE_ANNOTATION];
    if (targetType === "ip") {
        return [];
    }
    const got = targetType === undefined ? "no annotation (the controller then defaults to instance)" : show(targetType);
    return [violation(ALB_TARGET_TYPE_RULE, subject, `ALB Ingresses must use ${TARGET_TYPE_ANNOTATION}: "ip"; got ${got}`)];
}

/**
 * Production keeps mutual TLS STRICT: every PeerAuthentication of a prod stack
 * sets `spec.mtls.mode: STRICT`, and no port-level override relaxes it.
 * PERMISSIVE (plaintext accepted) is a migration setting for other stacks.
 */
import { isProductionStack, isRecord, PolicySubject, pathValue, show, stackOfUrn, violation } from "./subject";

export const PROD_MTLS_RULE = "prod-mtls-strict";

export const PEER_AUTHENTICATION_TYPES: readonly string[] = [
    "kubernetes:security.istio.io/v1:PeerAuthentication",
    "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
];

export function prodMtlsViolations(subject: PolicySubject): string[] {
    if (!PEER_AUTHENTICATION_TYPES.includes(subject.type)) {
        return [];
    }
    const stack = stackOfUrn(subject.urn);
    if (!isProductionStack(stack)) {
        return [];
    }
    const problems: string[] = [];
    const mode = pathValue(subject.props, "spec", "mtls", "mode");
    if (mode !== "STRICT") {
        problems.push(
            violation(PROD_MTLS_RULE, subject, `stack "${stack}" is production, so spec.mtls.mode must be "STRICT" (set mesh.mtls: STRICT); got ${show(mode)}`),
        );
    }
    const portLevel = pathValue(subject.props, "spec", "portLevelMtls");
    if (isRecord(portLevel)) {
        for (const [port, setting] of Object.entries(portLevel)) {
            const portMode = isRecord(setting) ? setting.mode : undefined;
            if (portMode !== "STRICT") {
                problems.push(
                    violation(PROD_MTLS_RULE, subject, `stack "${stack}" is production, so spec.portLevelMtls["${port}"].mode must be "STRICT"; got ${show(portMode)}`),
                );
            }
        }
    }
    return problems;
}

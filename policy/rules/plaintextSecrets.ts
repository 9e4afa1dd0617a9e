/**
 * No kubeconfig, Kubernetes Secret or credential in plain text in the stack's
 * state or outputs: every property named like a secret, token, password,
 * private key or credential that holds a value, and every kubeconfig that
 * embeds credentials, must be a Pulumi secret (encrypted in the state,
 * `[secret]` in outputs and logs); a Kubernetes Secret's `data` / `stringData`
 * must be secret.
 *
 * A kubeconfig that authenticates only through an exec plugin (`aws eks
 * get-token`, what @pulumi/eks renders) holds the API server's address and CA
 * certificate, no credential: pulumi-eks keeps it plain by design
 * (pulumi/pulumi-eks#725). One with a token, client key, password or
 * auth-provider tokens is a credential.
 *
 * A value counts as secret when it (or a value around it) is a secret, or its
 * top-level property is listed in the resource's `additionalSecretOutputs`.
 */
import { isRecord, isSecretValue, StackPolicySubject, StackViolation, unwrapSecret, violation } from "./subject";

export const PLAINTEXT_SECRETS_RULE = "no-plaintext-secrets";

/** Property names whose values are credentials. */
export const SENSITIVE_NAME = /kubeconfig|secret|token|passw(or)?d|private[-_]?key|credential/i;
/** Names that only refer to a credential (secretName, tokenPath, …) or describe it (…Enabled, …Type). */
export const REFERENCE_NAME = /(names?|refs?|path|file|arn|ttl|expir(y|ation|es)|enabled|mount|type|ids?|version|provider|hash|ur[il]|seconds)$/i;

export const KUBERNETES_SECRET_TYPE = "kubernetes:core/v1:Secret";

function isEmpty(value: unknown): boolean {
    return value === undefined || value === null || value === "" || (isRecord(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0);
}

/** Kubeconfig fields (users[].user, auth-provider config) that are credentials themselves. */
export const KUBECONFIG_CREDENTIAL_KEYS: readonly string[] = [
    "token",
    "client-key-data",
    "client-key",
    "password",
    "id-token",
    "refresh-token",
    "access-token",
    "client-secret",
];

const credentialLine = new RegExp(`^[\\s-]*["']?(${KUBECONFIG_CREDENTIAL_KEYS.join("|")})["']?\\s*:\\s*["']?[^\\s"'{}]`, "m");

/** Whether a kubeconfig (YAML or JSON text, or parsed) embeds a credential. */
export function kubeconfigHasCredentials(value: unknown): boolean {
    if (typeof value === "string") {
        try {
            return kubeconfigHasCredentials(JSON.parse(value));
        } catch {
            return credentialLine.test(value);
        }
    }
    if (Array.isArray(value)) {
        return value.some(kubeconfigHasCredentials);
    }
    if (!isRecord(value)) {
        return false;
    }
    return Object.entries(value).some(
        ([k, v]) => (KUBECONFIG_CREDENTIAL_KEYS.includes(k) && typeof v === "string" && v !== "") || kubeconfigHasCredentials(unwrapSecret(v)),
    );
}

/** Whether a property holds a credential, by its name and value (numbers, booleans and references do not). */
export function isSensitive(key: string, value: unknown): boolean {
    if (!SENSITIVE_NAME.test(key) || REFERENCE_NAME.test(key) || isEmpty(value)) {
        return false;
    }
    if (/kubeconfig/i.test(key)) {
        return kubeconfigHasCredentials(value);
    }
    return typeof value === "string";
}

/** Paths (`values.auth.password`) of credentials that are not secret, anywhere under `value`. */
function plaintextPaths(value: unknown, path: string, secret: boolean, found: string[]): void {
    const isSecret = secret || isSecretValue(value);
    const plain = unwrapSecret(value);
    if (Array.isArray(plain)) {
        plain.forEach((item, i) => plaintextPaths(item, `${path}[${i}]`, isSecret, found));
        return;
    }
    if (!isRecord(plain)) {
        return;
    }
    for (const [key, child] of Object.entries(plain)) {
        const childPath = path ? `${path}.${key}` : key;
        const childSecret = isSecret || isSecretValue(child);
        if (isSensitive(key, unwrapSecret(child))) {
            if (!childSecret) {
                found.push(childPath);
            }
            continue;
        }
        plaintextPaths(child, childPath, childSecret, found);
    }
}

function secretTopLevel(subject: StackPolicySubject, key: string): boolean {
    return isSecretValue(subject.props[key]) || (subject.opts?.additionalSecretOutputs ?? []).includes(key);
}

export function plaintextSecretViolations(resources: readonly StackPolicySubject[]): StackViolation[] {
    const violations: StackViolation[] = [];
    for (const subject of resources) {
        const found: string[] = [];
        for (const [key, value] of Object.entries(subject.props)) {
            if (key === "__provider") {
                continue;
            }
            plaintextPaths({ [key]: value }, "", secretTopLevel(subject, key), found);
        }
        for (const path of found) {
            violations.push({
                urn: subject.urn,
                message: violation(PLAINTEXT_SECRETS_RULE, subject, `property ${path} holds a credential in plain text; make it a secret (pulumi.secret, or additionalSecretOutputs)`),
            });
        }
        if (subject.type === KUBERNETES_SECRET_TYPE) {
            for (const key of ["data", "stringData"]) {
                if (!isEmpty(unwrapSecret(subject.props[key])) && !secretTopLevel(subject, key)) {
                    violations.push({
                        urn: subject.urn,
                        message: violation(PLAINTEXT_SECRETS_RULE, subject, `a Kubernetes Secret's ${key} must be marked secret; it is in plain text`),
                    });
                }
            }
        }
    }
    return violations;
}

/**
 * Whether the resources carry secret markers at all. `@pulumi/policy` 1.21
 * unwraps every secret before a policy sees it (pulumi/pulumi-policy#241), so
 * under the Pulumi engine this is false and the rule cannot tell a secret
 * from plain text; it applies where markers survive (offline evaluation of a
 * program run, see policy/evaluate.ts).
 */
export function secretMarkersVisible(resources: readonly StackPolicySubject[]): boolean {
    const visit = (value: unknown): boolean => {
        if (isSecretValue(value)) {
            return true;
        }
        if (Array.isArray(value)) {
            return value.some(visit);
        }
        return isRecord(value) && Object.values(value).some(visit);
    };
    return resources.some((r) => visit(r.props));
}

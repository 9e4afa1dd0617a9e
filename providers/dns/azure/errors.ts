/**
 * Azure SDK errors → DnsBackendError with a message that names the operation, the status and
 * the service's own code and text (never a stack trace, never a credential).
 */
import { DnsBackendError } from "../backend";

interface AzureLikeError {
    readonly name?: string;
    readonly statusCode?: number;
    readonly code?: string;
    readonly message?: string;
}

function asAzureError(e: unknown): AzureLikeError {
    return typeof e === "object" && e !== null ? (e as AzureLikeError) : { message: String(e) };
}

export function isNotFound(e: unknown): boolean {
    return asAzureError(e).statusCode === 404;
}

export function isPreconditionFailed(e: unknown): boolean {
    return asAzureError(e).statusCode === 412;
}

/** Maps any error of an Azure call to a DnsBackendError (already-mapped errors pass through). */
export function azureError(e: unknown, operation: string): Error {
    if (e instanceof DnsBackendError) {
        return e;
    }
    const err = asAzureError(e);
    const text = (err.message ?? "").split("\n")[0];
    const status = err.statusCode;
    if (err.name === "CredentialUnavailableError" || err.name === "AggregateAuthenticationError") {
        return new DnsBackendError("Azure DNS", "CredentialUnavailable", `${operation}: no Azure credential found (set the client secret inputs, or configure workload or managed identity): ${text}`);
    }
    if (err.name === "AuthenticationError" || err.name === "AuthenticationRequiredError") {
        return new DnsBackendError("Azure DNS", "AuthenticationFailed", `${operation}: Entra ID refused the credential: ${text}`);
    }
    switch (status) {
        case 401:
        case 403:
            return new DnsBackendError("Azure DNS", err.code ?? "AuthorizationFailed", `${operation}: not authorized (${status}); the identity needs the custom role from azure/roleDefinition.ts on the zone: ${text}`, status);
        case 404:
            return new DnsBackendError("Azure DNS", err.code ?? "NotFound", `${operation}: not found (404); check dns.azure.subscriptionId, dns.azure.resourceGroup and the zone name: ${text}`, status);
        case 409:
            return new DnsBackendError("Azure DNS", "CnameConflict", `${operation}: refused with 409 Conflict (a CNAME cannot share its name with other record sets): ${text}`, status);
        case 429:
            return new DnsBackendError("Azure DNS", "Throttled", `${operation}: still throttled (429) after the SDK's retries honouring Retry-After; run again later: ${text}`, status);
        default:
            return new DnsBackendError("Azure DNS", err.code ?? "RequestFailed", `${operation}: ${status ? `HTTP ${status}: ` : ""}${text}`, status);
    }
}

/**
 * Cloud DNS / google-auth-library errors → LiveStateChangedError or DnsBackendError, naming the
 * operation, the status and the service's reason (never a stack trace, never a credential).
 */
import { DnsBackendError, LiveStateChangedError } from "../backend";

interface GoogleLikeError {
    readonly code?: number | string;
    readonly status?: number;
    readonly message?: string;
    readonly errors?: Array<{ reason?: string; message?: string }>;
    readonly response?: { status?: number };
}

function asGoogleError(e: unknown): GoogleLikeError {
    return typeof e === "object" && e !== null ? (e as GoogleLikeError) : { message: String(e) };
}

function statusOf(err: GoogleLikeError): number | undefined {
    return typeof err.code === "number" ? err.code : (err.response?.status ?? err.status);
}

function reasonOf(err: GoogleLikeError): string | undefined {
    return err.errors?.[0]?.reason;
}

/** A refused change because the live zone moved on: 409 alreadyExists, 412 conditionNotMet, 404 notFound. */
export function liveStateChangedReason(e: unknown): LiveStateChangedError | undefined {
    const err = asGoogleError(e);
    const status = statusOf(err);
    const reason = reasonOf(err);
    if ((status === 409 && reason === "alreadyExists") || (status === 412 && reason === "conditionNotMet") || (status === 404 && reason === "notFound")) {
        return new LiveStateChangedError("Google Cloud DNS", [`${reason}: ${(err.message ?? "").split("\n")[0]}`], 0);
    }
    return undefined;
}

export function googleError(e: unknown, operation: string): Error {
    if (e instanceof DnsBackendError || e instanceof LiveStateChangedError) {
        return e;
    }
    const err = asGoogleError(e);
    const status = statusOf(err);
    const reason = reasonOf(err);
    const text = (err.message ?? "").split("\n")[0];
    if (/invalid_grant|invalid_client|unauthorized_client/.test(text)) {
        return new DnsBackendError("Google Cloud DNS", "AuthenticationFailed", `${operation}: the OAuth token endpoint refused the service account: ${text}`, status);
    }
    if (/Could not load the default credentials/.test(text)) {
        return new DnsBackendError("Google Cloud DNS", "CredentialUnavailable", `${operation}: no Application Default Credentials (set the service-account key input, GOOGLE_APPLICATION_CREDENTIALS, or workload identity federation)`);
    }
    switch (status) {
        case 400:
            if (reason === "cnameResourceRecordSetConflict") {
                return new DnsBackendError("Google Cloud DNS", "CnameConflict", `${operation}: a CNAME cannot share its name with other record sets: ${text}`, status);
            }
            break;
        case 401:
        case 403:
            return new DnsBackendError("Google Cloud DNS", reason ?? "Forbidden", `${operation}: not authorized (${status}); grant the custom role from google/iamRole.ts on the managed zone: ${text}`, status);
        case 404:
            return new DnsBackendError("Google Cloud DNS", reason ?? "notFound", `${operation}: not found (404); check dns.google.project and dns.google.managedZone: ${text}`, status);
        case 429:
            return new DnsBackendError("Google Cloud DNS", "Throttled", `${operation}: still rate limited (429) after retries; run again later: ${text}`, status);
    }
    return new DnsBackendError("Google Cloud DNS", reason ?? "RequestFailed", `${operation}: ${status ? `HTTP ${status}: ` : ""}${text}`, status);
}

/**
 * Plain HTTP(S) hops: the app's URL through the ALB and the Istio gateway,
 * and kube-ops-view's URL. Non-2xx answers are explained by who answered
 * (the ALB's `server: awselb`, Envoy's `server: istio-envoy`).
 */
import { causeOf, fail, HopKind, HopRow, pass, skip } from "../hop";
import { header, Probe, ProbeResponse } from "../probe";

export const versionHeader = "x-app-version";
export const appVersions = ["stable", "canary"] as const;

/** Why a response is not the expected 2xx, in terms of the hop that produced it. */
export function responseCause(response: ProbeResponse): string {
    const server = header(response, "server") ?? "unknown server";
    const status = response.status;
    const from = `${status} from ${server}`;
    if (status >= 300 && status < 400) {
        return `redirects (${status}) to ${header(response, "location") ?? "nowhere"}: use that URL (https once ingress.certificateArn is set)`;
    }
    if (/awselb/i.test(server)) {
        if (status === 404) return `the ALB has no listener rule for this host (${from})`;
        if (status === 503) return `the ALB has no healthy target for this host (${from})`;
        if (status === 502 || status === 504) return `the ALB could not get an answer from a target (${from})`;
    }
    if (/envoy/i.test(server)) {
        if (status === 404) return `the gateway has no route for this host (${from}): check the Gateway's hosts and the VirtualService`;
        if (status === 503) return `the gateway has no healthy app endpoint (${from}: ${response.body.trim().slice(0, 80)})`;
    }
    return `HTTP ${from}`;
}

/** Why a request got no answer; certificate problems say so. */
export function connectionCause(error: unknown): string {
    const code = String((error as NodeJS.ErrnoException)?.code ?? "");
    if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code)) {
        return `TLS: ${causeOf(error)}: the ALB's certificate does not verify for this hostname (ingress.certificateArn; --insecure skips the check)`;
    }
    return `no answer: ${causeOf(error)}`;
}

/** The app through every hop: a 2xx carrying X-App-Version stable|canary. */
export async function checkGateway(url: string, probe: Probe): Promise<HopRow> {
    try {
        const response = await probe(url);
        if (response.status < 200 || response.status >= 300) {
            return fail("gateway", url, responseCause(response));
        }
        const version = header(response, versionHeader);
        if (!version || !(appVersions as readonly string[]).includes(version)) {
            return fail("gateway", url, `${response.status} without X-App-Version stable|canary (got ${version ?? "none"}): something other than the demo app answered`);
        }
        return pass("gateway", url, `${response.status}, X-App-Version: ${version}, server: ${header(response, "server") ?? "unknown"}`);
    } catch (e) {
        return fail("gateway", url, connectionCause(e));
    }
}

/** A URL that must answer 2xx (kube-ops-view); skipped when the stack does not expose one. */
export async function checkReachable(hop: HopKind, url: string | undefined, probe: Probe, absent: string): Promise<HopRow> {
    if (!url) {
        return skip(hop, "-", absent);
    }
    try {
        const response = await probe(url);
        return response.status >= 200 && response.status < 300
            ? pass(hop, url, `${response.status}, server: ${header(response, "server") ?? "unknown"}`)
            : fail(hop, url, responseCause(response));
    } catch (e) {
        return fail(hop, url, connectionCause(e));
    }
}

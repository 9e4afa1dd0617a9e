/**
 * One HTTP(S) request as the checks need it: status, headers and the start
 * of the body, with a timeout, never following redirects (a redirect is a
 * finding, not something to hide). Names resolve through the verify
 * resolver; connections are reused from a keep-alive agent.
 */
import * as http from "http";
import * as https from "https";
import type { LookupFunction } from "net";

export interface ProbeResponse {
    readonly status: number;
    /** Lower-case header names. */
    readonly headers: http.IncomingHttpHeaders;
    /** At most the first 4 KiB. */
    readonly body: string;
}

export type Probe = (url: string, headers?: Record<string, string>) => Promise<ProbeResponse>;

export interface HttpProbeOptions {
    readonly lookup?: LookupFunction;
    readonly timeoutMs?: number;
    /** Most sockets open at once per host. */
    readonly maxSockets?: number;
    /** Accept self-signed certificates (a test ALB, or --insecure). */
    readonly insecure?: boolean;
}

export interface HttpProbe {
    readonly probe: Probe;
    /** Closes the kept-alive sockets. */
    close(): void;
}

const bodyLimit = 4096;

export function httpProbe(options: HttpProbeOptions = {}): HttpProbe {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, lookup: options.lookup };
    const agents = {
        "http:": new http.Agent(agentOptions),
        "https:": new https.Agent({ ...agentOptions, rejectUnauthorized: !options.insecure }),
    };
    const timeoutMs = options.timeoutMs ?? 10_000;

    const probe: Probe = (url, headers = {}) =>
        new Promise((resolve, reject) => {
            const target = new URL(url);
            const client = target.protocol === "https:" ? https : target.protocol === "http:" ? http : undefined;
            if (!client) {
                return reject(new Error(`unsupported URL scheme in ${url}; use http:// or https://`));
            }
            const request = client.request(
                target,
                { method: "GET", headers: { "user-agent": "eks-ingress-mesh-verify", ...headers }, agent: agents[target.protocol as "http:" | "https:"], timeout: timeoutMs },
                (response) => {
                    let body = "";
                    response.setEncoding("utf8");
                    response.on("data", (chunk: string) => {
                        if (body.length < bodyLimit) {
                            body = (body + chunk).slice(0, bodyLimit);
                        }
                    });
                    response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
                    response.on("error", reject);
                },
            );
            request.on("timeout", () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
            request.on("error", reject);
            request.end();
        });

    return {
        probe,
        close: () => Object.values(agents).forEach((a) => a.destroy()),
    };
}

/** The first value of a header, or undefined. */
export function header(response: ProbeResponse, name: string): string | undefined {
    const value = response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
}

/**
 * The thin Kubernetes client behind TrafficSplit: VirtualService CRUD with
 * `@kubernetes/client-node` and GETs through the API server's service proxy
 * (for Prometheus). Everything the provider glue needs from the cluster goes
 * through the one `TrafficRouterApi` interface, so the glue can be driven by a
 * test double.
 *
 * `@kubernetes/client-node` is required inside `connectKube`, never at module
 * load, so a serialized provider captures no client, agent or socket.
 */
import type * as k8s from "@kubernetes/client-node";
import type * as http from "http";
import type * as https from "https";
import { VS_GROUP, VS_PLURAL, VS_VERSION } from "./render";
import { KubeObject } from "./types";

export interface ProxyResponse {
    readonly status: number;
    readonly body: string;
}

export interface DeletePreconditions {
    readonly uid?: string;
    readonly resourceVersion?: string;
}

/** What the TrafficSplit glue needs from a cluster. */
export interface TrafficRouterApi {
    /** Undefined when the VirtualService does not exist (404). */
    getVirtualService(namespace: string, name: string): Promise<KubeObject | undefined>;
    /** POST; fails with a 409 `KubeApiError` when it already exists. */
    createVirtualService(obj: KubeObject): Promise<KubeObject>;
    /** PUT with `metadata.resourceVersion`; 409 when that version is stale, 404 when gone. */
    replaceVirtualService(obj: KubeObject): Promise<KubeObject>;
    /**
     * False when it was already gone. With `preconditions`, the API server
     * deletes only that very object (uid) in that very version (resourceVersion),
     * and answers 409 Conflict otherwise: ownership checked by a GET cannot
     * change before the delete lands.
     */
    deleteVirtualService(namespace: string, name: string, preconditions?: DeletePreconditions): Promise<boolean>;
    /** GET `/api/v1/namespaces/{ns}/services/{service}:{port}/proxy/{path}?{query}`; any HTTP status resolves. */
    proxyGet(namespace: string, service: string, port: string, path: string, query: Readonly<Record<string, string>>, timeoutMs: number): Promise<ProxyResponse>;
}

/** A Kubernetes API error with the HTTP status and the `Status` reason ("Conflict", "NotFound", …). */
export interface KubeApiError extends Error {
    readonly status: number;
    readonly reason: string;
}

export function isKubeApiError(err: unknown, status?: number): err is KubeApiError {
    return err instanceof Error && typeof (err as Partial<KubeApiError>).status === "number" && (status === undefined || (err as KubeApiError).status === status);
}

export function kubeApiError(status: number, reason: string, message: string): KubeApiError {
    return Object.assign(new Error(message), { status, reason });
}

/** "HTTP 409 Conflict: the object has been modified…" from a client-node ApiException body. */
function statusDetails(code: number, body: unknown): { reason: string; message: string } {
    let parsed: unknown = body;
    if (typeof body === "string") {
        try {
            parsed = JSON.parse(body);
        } catch {
            parsed = { message: body.slice(0, 300) };
        }
    }
    const status = (typeof parsed === "object" && parsed !== null ? parsed : {}) as { reason?: unknown; message?: unknown };
    const reason = typeof status.reason === "string" ? status.reason : code === 401 ? "Unauthorized" : `HTTP${code}`;
    const message = typeof status.message === "string" && status.message ? status.message : reason;
    return { reason, message };
}

/** Turns whatever client-node threw into a message without headers, tokens or stack. */
function translate(err: unknown, what: string, server: string): Error {
    const e = err as { code?: unknown; body?: unknown; message?: unknown; cause?: { message?: unknown; code?: unknown } };
    if (typeof e?.code === "number" && e.code >= 300) {
        const { reason, message } = statusDetails(e.code, e.body);
        return kubeApiError(e.code, reason, `${what}: HTTP ${e.code} ${reason}: ${message}`);
    }
    const cause = e?.cause?.message ?? e?.message ?? String(err);
    return new Error(`${what}: cannot reach the Kubernetes API at ${server}: ${String(cause)}`);
}

/** The kubeconfig loader's errors can quote the document; keep only the reason and position. */
function kubeconfigError(err: unknown): Error {
    const e = err as { reason?: unknown; mark?: { line?: number; column?: number }; message?: unknown };
    const where = e?.mark?.line !== undefined ? ` at line ${e.mark.line + 1}, column ${(e.mark.column ?? 0) + 1}` : "";
    const reason = typeof e?.reason === "string" ? e.reason : String(e?.message ?? err).split("\n")[0];
    return new Error(`kubeconfig: cannot be loaded (${reason}${where})`);
}

/** Connects to the cluster the kubeconfig's current context names. */
export function connectKube(kubeconfig: string): TrafficRouterApi {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client: typeof k8s = require("@kubernetes/client-node");
    const kc = new client.KubeConfig();
    try {
        kc.loadFromString(kubeconfig);
    } catch (err) {
        throw kubeconfigError(err);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster || !kc.getCurrentUser()) {
        throw new Error(`kubeconfig: current-context ${JSON.stringify(kc.getCurrentContext() ?? null)} does not name a cluster and a user`);
    }
    const server = cluster.server;
    const api = kc.makeApiClient(client.CustomObjectsApi);
    const ref = (namespace: string) => ({ group: VS_GROUP, version: VS_VERSION, namespace, plural: VS_PLURAL });
    const label = (verb: string, namespace: string | undefined, name: string | undefined) =>
        `${verb} VirtualService ${namespace ?? "?"}/${name ?? "?"}`;
    const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
        try {
            return await fn();
        } catch (err) {
            throw translate(err, what, server);
        }
    };

    return {
        async getVirtualService(namespace, name) {
            try {
                return await call(label("get", namespace, name), () => api.getNamespacedCustomObject({ ...ref(namespace), name }));
            } catch (err) {
                if (isKubeApiError(err, 404)) {
                    return undefined;
                }
                throw err;
            }
        },
        createVirtualService(obj) {
            const { namespace, name } = obj.metadata;
            return call(label("create", namespace, name), () => api.createNamespacedCustomObject({ ...ref(namespace ?? ""), body: obj }));
        },
        replaceVirtualService(obj) {
            const { namespace, name } = obj.metadata;
            return call(label("replace", namespace, name), () =>
                api.replaceNamespacedCustomObject({ ...ref(namespace ?? ""), name: name ?? "", body: obj }),
            );
        },
        async deleteVirtualService(namespace, name, preconditions) {
            const body = preconditions ? { body: { preconditions: { ...preconditions } } } : {};
            try {
                await call(label("delete", namespace, name), () => api.deleteNamespacedCustomObject({ ...ref(namespace), name, ...body }));
                return true;
            } catch (err) {
                if (isKubeApiError(err, 404)) {
                    return false;
                }
                throw err;
            }
        },
        async proxyGet(namespace, service, port, path, query, timeoutMs) {
            const search = new URLSearchParams(query).toString();
            const proxyPath =
                `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${encodeURIComponent(port)}/proxy/` +
                path.replace(/^\//, "") +
                (search ? `?${search}` : "");
            const url = new URL(server.replace(/\/+$/, "") + proxyPath);
            const opts: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
            await kc.applyToHTTPSOptions(opts);
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const transport: typeof http = url.protocol === "http:" ? require("http") : require("https");
            const what = `GET service proxy ${namespace}/${service}:${port}/${path.replace(/^\//, "")}`;
            return await new Promise<ProxyResponse>((resolve, reject) => {
                const req = transport.request(url, opts, (res) => {
                    const chunks: Buffer[] = [];
                    let size = 0;
                    res.on("data", (chunk: Buffer) => {
                        size += chunk.length;
                        if (size <= 1 << 20) {
                            chunks.push(chunk);
                        }
                    });
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
                    res.on("error", (err) => reject(translate(err, what, server)));
                });
                req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
                req.on("error", (err) => reject(translate(err, what, server)));
                req.end();
            });
        },
    };
}

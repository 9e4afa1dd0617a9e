/**
 * `--kubeconfig FILE --domain NAME`: what to check, read from the cluster
 * instead of stack outputs. The program's objects have fixed names: the
 * `app` Ingress in the gateway's namespace, the `kube-ops-view` Ingress in
 * kube-ops-view's namespace, and the `app` VirtualService (owned by
 * TrafficSplit) in the app's namespace. Hostnames come from the Ingress
 * rules inside --domain, scheme and port from the listener annotations, the
 * ALB from the Ingress status, and the canary weight from the live
 * VirtualService — so the split is measured against what the mesh routes.
 */
import type * as k8s from "@kubernetes/client-node";
import { albAnnotationPrefix } from "../components/ingress/annotations";
import { GATEWAY_NAMESPACE } from "../components/mesh/istio";
import { kubeOpsViewChart } from "../components/workloads/kubeOpsView";
import { parseLiveWeights } from "../providers/traffic/render";
import { InputError, VerifyTarget } from "./inputs";

export interface ClusterObjects {
    readonly appIngress?: KubeObject;
    readonly kubeOpsViewIngress?: KubeObject;
    readonly virtualService?: KubeObject;
}

export interface ClusterLocation {
    readonly gatewayNamespace: string;
    readonly appNamespace: string;
    readonly kubeOpsViewNamespace: string;
}

export const defaultLocation: ClusterLocation = {
    gatewayNamespace: GATEWAY_NAMESPACE,
    appNamespace: "demo",
    kubeOpsViewNamespace: kubeOpsViewChart.namespace,
};

type KubeObject = Record<string, unknown>;

const objectNames = { appIngress: "app", kubeOpsViewIngress: "kube-ops-view", virtualService: "app" } as const;

function get(obj: unknown, ...path: string[]): unknown {
    return path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), obj);
}

function inDomain(host: string, domain: string): boolean {
    const d = domain.toLowerCase().replace(/\.$/, "");
    return host === d || host.endsWith(`.${d}`);
}

/**
 * The URL's scheme and port from the ALB listeners the Ingress asks for
 * (`listen-ports`, e.g. [{"HTTP":80},{"HTTPS":443}]): HTTPS when there is an
 * HTTPS listener; without the annotation the controller listens on 80, or
 * 443 when a certificate is set.
 */
export function listenerOrigin(annotations: Record<string, unknown>, what: string): { scheme: "http" | "https"; port?: number } {
    const raw = annotations[`${albAnnotationPrefix}listen-ports`];
    if (raw === undefined) {
        return { scheme: annotations[`${albAnnotationPrefix}certificate-arn`] ? "https" : "http" };
    }
    let ports: unknown;
    try {
        ports = JSON.parse(String(raw));
    } catch {
        ports = undefined;
    }
    const entries = (Array.isArray(ports) ? ports : []).flatMap((p) => (typeof p === "object" && p !== null ? Object.entries(p as Record<string, unknown>) : []));
    const listener = entries.find(([proto, port]) => proto === "HTTPS" && typeof port === "number") ?? entries.find(([proto, port]) => proto === "HTTP" && typeof port === "number");
    if (!listener) {
        throw new InputError(`${what}: annotation ${albAnnotationPrefix}listen-ports must list HTTP or HTTPS ports such as [{"HTTP":80}]; got ${String(raw)}`);
    }
    const scheme = listener[0] === "HTTPS" ? "https" : "http";
    const port = listener[1] as number;
    return port === (scheme === "https" ? 443 : 80) ? { scheme } : { scheme, port };
}

/** The Ingress's hosts inside the domain and its URL. */
function ingressRoute(ingress: KubeObject, domain: string, what: string): { hosts: string[]; url: string } {
    const rules = get(ingress, "spec", "rules");
    const hosts = (Array.isArray(rules) ? rules : [])
        .map((r) => get(r, "host"))
        .filter((h): h is string => typeof h === "string")
        .map((h) => h.toLowerCase());
    const inside = hosts.filter((h) => inDomain(h, domain));
    if (inside.length === 0) {
        throw new InputError(`${what}: none of its hosts (${hosts.join(", ") || "none"}) is inside --domain ${domain}`);
    }
    const { scheme, port } = listenerOrigin((get(ingress, "metadata", "annotations") ?? {}) as Record<string, unknown>, what);
    return { hosts: inside, url: `${scheme}://${inside[0]}${port ? `:${port}` : ""}/` };
}

const loadBalancerOf = (ingress: KubeObject | undefined): string | undefined => {
    const hostname = get(ingress, "status", "loadBalancer", "ingress", "0", "hostname");
    return typeof hostname === "string" ? hostname.toLowerCase() : undefined;
};

export const virtualServiceLabel = (location: ClusterLocation) => `VirtualService ${location.appNamespace}/${objectNames.virtualService}`;

/** The canary weight the VirtualService routes, or why there is none. */
export function liveCanaryWeight(virtualService: KubeObject | undefined, location: ClusterLocation): { weight: number } | { problem: string } {
    if (!virtualService) {
        return { problem: `${virtualServiceLabel(location)} not found` };
    }
    const weights = parseLiveWeights(get(virtualService, "spec"));
    if (!weights || weights.stable + weights.canary !== 100) {
        return { problem: `${virtualServiceLabel(location)} routes no stable/canary weights adding up to 100 (got ${weights ? `${weights.stable}/${weights.canary}` : "no weighted route"})` };
    }
    return { weight: weights.canary };
}

/** Pure: the verify target from the objects read. */
export function targetFromCluster(objects: ClusterObjects, domain: string, location: ClusterLocation = defaultLocation): VerifyTarget {
    const appWhat = `Ingress ${location.gatewayNamespace}/${objectNames.appIngress}`;
    if (!objects.appIngress) {
        throw new InputError(`--kubeconfig: ${appWhat} not found; is this the cluster the stack deployed to?`);
    }
    const live = liveCanaryWeight(objects.virtualService, location);
    if ("problem" in live) {
        throw new InputError(`--kubeconfig: ${live.problem}${objects.virtualService ? "" : ", so the canary weight is unknown"}`);
    }
    const app = ingressRoute(objects.appIngress, domain, appWhat);
    const kov = objects.kubeOpsViewIngress
        ? ingressRoute(objects.kubeOpsViewIngress, domain, `Ingress ${location.kubeOpsViewNamespace}/${objectNames.kubeOpsViewIngress}`)
        : undefined;
    return {
        hostnames: [...new Set([...app.hosts, ...(kov?.hosts ?? [])])],
        appUrl: app.url,
        kubeOpsViewUrl: kov?.url,
        canaryWeight: live.weight,
        albDnsName: loadBalancerOf(objects.appIngress),
    };
}

/** What the cluster adds to stack outputs: the Ingress's ALB and the live weight (or why it is unknown). */
export interface LiveFacts {
    readonly albDnsName?: string;
    readonly canary: { weight: number } | { problem: string };
    readonly virtualService: string;
}

export function liveFacts(objects: ClusterObjects, location: ClusterLocation = defaultLocation): LiveFacts {
    return { albDnsName: loadBalancerOf(objects.appIngress), canary: liveCanaryWeight(objects.virtualService, location), virtualService: virtualServiceLabel(location) };
}

/**
 * Reads the three objects (a missing one is undefined) with
 * @kubernetes/client-node. `source` names where the kubeconfig came from in
 * errors, which never quote the kubeconfig itself.
 */
export async function readClusterObjects(kubeconfig: string, location: ClusterLocation = defaultLocation, source = "--kubeconfig"): Promise<ClusterObjects> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client: typeof k8s = require("@kubernetes/client-node");
    const kc = new client.KubeConfig();
    try {
        kc.loadFromString(kubeconfig);
    } catch (e) {
        // The loader's message can quote the document (and its token): keep only the first line.
        throw new InputError(`${source}: cannot be loaded (${String((e as Error).message).split("\n")[0]})`);
    }
    const server = kc.getCurrentCluster()?.server;
    if (!server || !kc.getCurrentUser()) {
        throw new InputError(`${source}: current-context ${JSON.stringify(kc.getCurrentContext() ?? null)} does not name a cluster and a user`);
    }
    const api = kc.makeApiClient(client.CustomObjectsApi);
    const read = async (group: string, version: string, plural: string, namespace: string, name: string): Promise<KubeObject | undefined> => {
        try {
            return (await api.getNamespacedCustomObject({ group, version, namespace, plural, name })) as KubeObject;
        } catch (e) {
            const code = (e as { code?: unknown }).code;
            if (code === 404) return undefined;
            const reason = typeof code === "number" ? `HTTP ${code}` : String((e as { cause?: { message?: unknown } }).cause?.message ?? (e as Error).message);
            throw new InputError(`${source}: cannot read ${plural} ${namespace}/${name} from ${server} (${reason})`);
        }
    };
    const [appIngress, kubeOpsViewIngress, virtualService] = await Promise.all([
        read("networking.k8s.io", "v1", "ingresses", location.gatewayNamespace, objectNames.appIngress),
        read("networking.k8s.io", "v1", "ingresses", location.kubeOpsViewNamespace, objectNames.kubeOpsViewIngress),
        read("networking.istio.io", "v1", "virtualservices", location.appNamespace, objectNames.virtualService),
    ]);
    return { appIngress, kubeOpsViewIngress, virtualService };
}

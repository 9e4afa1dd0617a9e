/**
 * How an Envoy proxy picks a VirtualService route (a test model of Istio's
 * documented rules, networking.istio.io/v1 VirtualService, Istio 1.27):
 *
 * - A VirtualService applies to the proxies its `gateways` name: the edge
 *   gateway by "<namespace>/<name>" (a bare name means the VirtualService's
 *   own namespace), every sidecar by the reserved name `mesh`. Without
 *   `gateways` it applies to `mesh` only.
 * - The request's host must be one of its `hosts`; a sidecar expands a short
 *   Service name ("app", "app.demo") the way Kubernetes DNS search does.
 * - The first `http` route whose `match` list is empty, or has one entry whose
 *   conditions all hold, wins. A match entry's own `gateways` replaces the
 *   top-level list for that entry, so a route limited to the edge gateway
 *   does not apply at a sidecar.
 */
type Json = Record<string, any>;

export type ProxyView =
    | { readonly kind: "gateway"; readonly gateway: string }
    | { readonly kind: "sidecar"; readonly namespace: string };

export interface RequestView {
    readonly host: string;
    readonly headers?: Readonly<Record<string, string>>;
}

export interface ChosenRoute {
    readonly name?: string;
    /** Subset → weight as Envoy's weighted clusters get it. */
    readonly weights: Readonly<Record<string, number>>;
    readonly retries?: Json;
    readonly timeout?: string;
    readonly fault?: Json;
}

function gatewayName(proxy: ProxyView): string {
    return proxy.kind === "sidecar" ? "mesh" : proxy.gateway;
}

function qualified(name: string, vsNamespace: string): string {
    return name === "mesh" || name.includes("/") ? name : `${vsNamespace}/${name}`;
}

function fqdn(host: string, proxy: ProxyView): string {
    if (proxy.kind !== "sidecar") {
        return host;
    }
    const labels = host.split(".");
    if (labels.length === 1) {
        return `${host}.${proxy.namespace}.svc.cluster.local`;
    }
    if (labels.length === 2) {
        return `${host}.svc.cluster.local`;
    }
    return host.endsWith(".svc") ? `${host}.cluster.local` : host;
}

function matches(entry: Json, proxy: ProxyView, request: RequestView, vsNamespace: string, topGateways: string[]): boolean {
    const gateways: string[] = (entry.gateways ?? topGateways).map((g: string) => qualified(g, vsNamespace));
    if (!gateways.includes(qualified(gatewayName(proxy), vsNamespace))) {
        return false;
    }
    const headers = (entry.headers ?? {}) as Record<string, { exact?: string }>;
    return Object.entries(headers).every(([name, cond]) => request.headers?.[name.toLowerCase()] === cond.exact);
}

/** The route the proxy applies to the request, or undefined when the VirtualService does not apply (the proxy then balances over all endpoints). */
export function routeFor(vs: Json, proxy: ProxyView, request: RequestView): ChosenRoute | undefined {
    const spec = vs.spec as Json;
    const vsNamespace = vs.metadata.namespace as string;
    const topGateways: string[] = spec.gateways ?? ["mesh"];
    const hosts: string[] = spec.hosts ?? [];
    const applies = topGateways.map((g) => qualified(g, vsNamespace)).includes(qualified(gatewayName(proxy), vsNamespace)) ||
        (spec.http ?? []).some((r: Json) => (r.match ?? []).some((m: Json) => (m.gateways ?? []).map((g: string) => qualified(g, vsNamespace)).includes(qualified(gatewayName(proxy), vsNamespace))));
    if (!applies || !hosts.includes(fqdn(request.host.toLowerCase(), proxy))) {
        return undefined;
    }
    for (const route of spec.http ?? []) {
        const entries: Json[] = route.match ?? [];
        const hit = entries.length === 0 ? topGateways.map((g) => qualified(g, vsNamespace)).includes(qualified(gatewayName(proxy), vsNamespace)) : entries.some((m) => matches(m, proxy, request, vsNamespace, topGateways));
        if (!hit) {
            continue;
        }
        const destinations: Json[] = route.route ?? [];
        const weights: Record<string, number> = {};
        for (const d of destinations) {
            const weight = typeof d.weight === "number" ? d.weight : destinations.length === 1 ? 100 : 0;
            weights[d.destination.subset] = (weights[d.destination.subset] ?? 0) + weight;
        }
        return { name: route.name, weights, retries: route.retries, timeout: route.timeout, fault: route.fault };
    }
    return undefined;
}

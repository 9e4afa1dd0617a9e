/** What the TrafficSplit integration suites share: the weights of a stored VirtualService, and the rig they run against. */
import { TrafficSplitProvider } from "../../../providers/traffic";
import { HostHandle, serializeProvider, startDynamicProviderHost } from "../fixtures/dynamicProviderHost";
import { Json, KubeApiDouble } from "../fixtures/kubeApiDouble";
import { PrometheusStub } from "../fixtures/prometheusStub";

/** [stable, canary] of the route named "weighted". */
export function weightsOf(obj: Json | undefined): number[] {
    const weighted = (obj?.spec?.http ?? []).find((r: Json) => r.name === "weighted");
    return weighted.route.map((r: Json) => r.weight);
}

/** The SDK's dynamic-provider host, the Kubernetes API double with Prometheus behind its service proxy, and the serialized provider. */
export interface GrpcRig {
    readonly host: HostHandle;
    readonly api: KubeApiDouble;
    readonly prometheus: PrometheusStub;
    /** TrafficSplitProvider serialized as `pulumi.dynamic.Resource` does. */
    readonly provider: string;
    stop(): Promise<void>;
}

/** Prometheus answers as `monitoring/prometheus:9090` through the double's service proxy. */
export async function startGrpcRig(): Promise<GrpcRig> {
    const [host, api, prometheus, provider] = await Promise.all([
        startDynamicProviderHost(),
        KubeApiDouble.start(),
        PrometheusStub.start(),
        serializeProvider(new TrafficSplitProvider()),
    ]);
    api.registerService("monitoring", "prometheus", 9090, prometheus.port);
    return { host, api, prometheus, provider, stop: async () => void (await Promise.all([host.stop(), api.stop(), prometheus.stop()])) };
}

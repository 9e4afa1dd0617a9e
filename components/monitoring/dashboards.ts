/**
 * Istio's mesh, service and workload dashboards, as Grafana downloads them
 * when its pod starts (the chart's `download-dashboards` init container).
 *
 * They come from Istio's own repository at the release tag, the files
 * Istio 1.27.1's `manifests/addons/gen.sh` bundles into its Grafana sample,
 * rather than from grafana.com by `gnetId` + `revision`: a tag pins exactly
 * the dashboards released with the Istio version the mesh runs, and a
 * reviewer can check the pin with `git rev-parse <tag>:<path>` against the
 * blob ids below, where grafana.com revision numbers cannot be mapped to an
 * Istio release without grafana.com itself. Nothing is downloaded by
 * `pulumi up`, the synth or the tests.
 */

/** The Istio release whose dashboards are provisioned (the mesh's pinned version). */
export const ISTIO_DASHBOARDS_TAG = "1.27.1";

export interface IstioDashboard {
    /** File name in Grafana's dashboard folder (`<key>.json`) and the chart's `dashboards.<provider>` key. */
    readonly key: string;
    readonly title: string;
    /** Path in github.com/istio/istio at `ISTIO_DASHBOARDS_TAG`. */
    readonly path: string;
    /** `git rev-parse <tag>:<path>` in istio/istio, recorded when the pin was chosen. */
    readonly blob: string;
    /** The dashboard's id on grafana.com, where Istio publishes the same dashboard. */
    readonly gnetId: number;
}

export const istioDashboards: readonly IstioDashboard[] = [
    {
        key: "istio-mesh",
        title: "Istio Mesh Dashboard",
        path: "manifests/addons/dashboards/istio-mesh-dashboard.gen.json",
        blob: "cab2ec0c2540645999069b53328b3c9853819b5c",
        gnetId: 7639,
    },
    {
        key: "istio-service",
        title: "Istio Service Dashboard",
        path: "manifests/addons/dashboards/istio-service-dashboard.json",
        blob: "579ad3e38792cc58c4923636c36e0ab1425f4ca0",
        gnetId: 7636,
    },
    {
        key: "istio-workload",
        title: "Istio Workload Dashboard",
        path: "manifests/addons/dashboards/istio-workload-dashboard.json",
        blob: "4719789dc3f3241895252b95cbb21493e603a645",
        gnetId: 7630,
    },
];

export function dashboardUrl(d: IstioDashboard, tag: string = ISTIO_DASHBOARDS_TAG): string {
    return `https://raw.githubusercontent.com/istio/istio/${tag}/${d.path}`;
}

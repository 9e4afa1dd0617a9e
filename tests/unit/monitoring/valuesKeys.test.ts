import * as assert from "assert";
import { GRAFANA_CHART_VERSION, grafanaRelease } from "../../../components/monitoring/grafana";
import { KIALI_CHART_VERSION, kialiRelease } from "../../../components/monitoring/kiali";
import { loadChartKeys, unknownValuesKeys } from "./valuesKeys";

const charts = loadChartKeys();
const prometheusUrl = "http://prometheus-server.istio-system.svc.cluster.local:80";

const grafanaVariants = {
    "generated password, port-forward only": grafanaRelease({ namespace: "istio-system", prometheusUrl }),
    "admin secret, public over HTTPS": grafanaRelease({ namespace: "istio-system", prometheusUrl, publicUrl: "https://grafana.example.net", adminSecretName: "grafana-admin" }),
};
const kiali = kialiRelease({ namespace: "istio-system", prometheusUrl, gatewayNamespace: "istio-ingress", gatewayApp: "istio-ingressgateway" });

describe("monitoring chart values against the charts' own keys", () => {
    it("the key lists were read at the chart versions the code installs", () => {
        assert.strictEqual(charts.grafana.version, GRAFANA_CHART_VERSION);
        assert.deepStrictEqual(charts.grafana.sources.map((s) => [s.repo, s.ref, s.path]), [["grafana/helm-charts", `grafana-${GRAFANA_CHART_VERSION}`, "charts/grafana/values.yaml"]]);
        assert.strictEqual(charts["kiali-server"].version, KIALI_CHART_VERSION);
        assert.deepStrictEqual(
            charts["kiali-server"].sources.map((s) => [s.repo, s.ref, s.path]),
            [
                ["kiali/helm-charts", `v${KIALI_CHART_VERSION}`, "kiali-server/values.yaml"],
                ["kiali/kiali-operator", `v${KIALI_CHART_VERSION}`, "crd-docs/crd/kiali.io_kialis.yaml"],
            ],
        );
        for (const chart of Object.values(charts)) {
            for (const s of chart.sources) {
                assert.match(s.blob, /^[0-9a-f]{40}$/, `${s.repo}:${s.path} blob id`);
            }
        }
    });

    for (const [variant, release] of Object.entries(grafanaVariants)) {
        it(`every Grafana values key is one grafana ${GRAFANA_CHART_VERSION} knows (${variant})`, () => {
            assert.deepStrictEqual(unknownValuesKeys(release.values, charts.grafana), []);
        });
    }

    it(`every Kiali values key is one kiali-server ${KIALI_CHART_VERSION} (or the Kiali config it renders) knows`, () => {
        assert.deepStrictEqual(unknownValuesKeys(kiali.values, charts["kiali-server"]), []);
    });

    it("the check descends into the values: a misspelt key at any depth, or inside a list item, is reported by its path", () => {
        assert.deepStrictEqual(unknownValuesKeys({ adminn: { existingSecret: "x" }, service: { prot: 80, port: 80 } }, charts.grafana), ["adminn", "service/prot"]);
        assert.deepStrictEqual(
            unknownValuesKeys({ external_services: { istio: { component_status: { components: [{ app_lable: "istiod" }] } } }, auth: { stratgy: "token" } }, charts["kiali-server"]),
            ["external_services/istio/component_status/components/[]/app_lable", "auth/stratgy"],
        );
    });

    it("free-form maps stay free-form: data source files, dashboards and grafana.ini sections are not the chart's keys", () => {
        const free = { datasources: { "any.yaml": { x: 1 } }, dashboards: { p: { d: { url: "u" } } }, "grafana.ini": { "auth.anonymous": { enabled: false } } };
        assert.deepStrictEqual(unknownValuesKeys(free, charts.grafana), []);
        assert.deepStrictEqual(unknownValuesKeys({ deployment: { pod_labels: { any: "x" } } }, charts["kiali-server"]), []);
    });
});

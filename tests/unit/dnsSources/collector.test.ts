import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../../../synth/mockCloud";
import { DnsSources } from "../../../components/dnsSources/collector";

const H = "external-dns.alpha.kubernetes.io/hostname";

describe("DnsSources: the collecting stack transformation", function () {
    this.timeout(60_000);

    it("knows the hostnames in preview, from the annotations, while the namespace is still unknown", async () => {
        let known: boolean | undefined;
        const run = await runUnderMocks(
            () => {
                const sources = new DnsSources("example.com");
                const ns = new k8s.core.v1.Namespace("ns", {});
                new k8s.networking.v1.Ingress("web", { metadata: { name: "web", namespace: ns.metadata.name, annotations: { [H]: "a.example.com,b.example.com" } }, spec: {} });
                sources.seal();
                return { hostnames: sources.hostnames, known: (sources.hostnames as unknown as { isKnown: Promise<boolean> }).isKnown.then((k) => (known = k)) };
            },
            { config: {}, preview: true },
        );
        assert.ok(run);
        assert.strictEqual(known, true);
    });

    it("collects only objects declared before seal(), and fails an annotated one declared after, saying why", async () => {
        await assert.rejects(
            runUnderMocks(
                () => {
                    const sources = new DnsSources("example.com");
                    sources.seal();
                    const late = new k8s.core.v1.Service("late", { metadata: { name: "late", namespace: "demo", annotations: { [H]: "late.example.com" } }, spec: { type: "LoadBalancer" } });
                    // Its registration fails; the mocks surface that through anything awaiting it.
                    return { records: sources.records, late: late.urn };
                },
                { config: {} },
            ),
            /service late has external-dns\.alpha\.kubernetes\.io\/hostname but was declared after the DNS layer took its sources/,
        );
    });

    it("ignores objects read with get (not declared by the program)", async () => {
        let count = -1;
        await runUnderMocks(
            () => {
                const sources = new DnsSources("example.com");
                k8s.core.v1.Service.get("existing", "demo/existing");
                sources.seal();
                return { n: sources.records.apply((r) => (count = r.length)), x: pulumi.output(1) };
            },
            { config: {} },
        );
        assert.strictEqual(count, 0);
    });
});

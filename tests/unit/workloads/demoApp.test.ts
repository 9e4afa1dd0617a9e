import * as assert from "assert";
import { appLabels, appVersions, deploymentArgs, nginxConfig, serviceArgs } from "../../../components/workloads/demoApp";

describe("workloads: demo app objects", () => {
    for (const version of appVersions) {
        it(`${version}: nginx answers / with its own version name and /healthz with ok`, () => {
            const conf = nginxConfig(version);
            assert.match(conf, new RegExp(`location / \\{\\s+return 200 "${version}\\\\n";\\s+\\}`));
            assert.match(conf, /location = \/healthz \{[^}]*return 200 "ok\\n";/);
            assert.match(conf, /listen 80;/);
            // Braces balance, so nginx can parse the file.
            assert.strictEqual((conf.match(/\{/g) ?? []).length, (conf.match(/\}/g) ?? []).length);
        });
    }

    it("gives the two versions different answers, so a weight change is visible with curl", () => {
        assert.notStrictEqual(nginxConfig("stable"), nginxConfig("canary"));
        assert.doesNotMatch(nginxConfig("stable"), /canary/);
    });

    it("selects each Deployment's pods by app and version, and the Service's by app only", () => {
        const d = deploymentArgs("canary", "nginx:1.28-alpine", 3, "demo") as any;
        assert.deepStrictEqual(d.spec.selector.matchLabels, { app: "app", version: "canary" });
        assert.deepStrictEqual(d.spec.template.metadata.labels, appLabels("canary"));
        const s = serviceArgs("demo") as any;
        assert.deepStrictEqual(s.spec.selector, { app: "app" });
        assert.deepStrictEqual(s.spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    });

    it("rolls the pods when the nginx config changes", () => {
        const hash = (v: "stable" | "canary") => (deploymentArgs(v, "nginx", 1, "demo") as any).spec.template.metadata.annotations["checksum/nginx-config"];
        assert.match(hash("stable"), /^[0-9a-f]{64}$/);
        assert.notStrictEqual(hash("stable"), hash("canary"));
    });
});

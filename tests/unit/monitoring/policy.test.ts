// The project's policy pack over the monitoring layer, evaluated offline with
// secret markers intact (policy/offline.ts): no credential in plain text in
// any resource's state or the stack's outputs.
import * as assert from "assert";
import { evaluatePolicies } from "../../../policy/evaluate";
import { evaluateProgram, OfflineRun } from "../../../policy/offline";
import { composeMonitoring, PASSWORD, publicTools } from "./fixtures";

describe("policy pack over the monitoring layer", () => {
    let result: OfflineRun;
    before(async () => {
        result = await evaluateProgram(composeMonitoring(publicTools).program, { config: {} });
    });

    it("reports no violation with both tools public and the admin password from secret config", () => {
        assert.deepStrictEqual(result.evaluation.findings, []);
        assert.ok(result.resources.some((r) => r.type === "kubernetes:core/v1:Secret"), "the admin Secret was evaluated");
    });

    it("would catch the password put into the Grafana values in plain text", async () => {
        const leaked = result.resources.map((r) =>
            r.type === "kubernetes:helm.sh/v3:Release" && r.props.chart === "grafana" ? { ...r, props: { ...r.props, values: { ...(r.props.values as object), adminPassword: PASSWORD } } } : r,
        );
        const { findings } = await evaluatePolicies(leaked);
        assert.deepStrictEqual(findings.map((f) => f.policy), ["no-plaintext-secrets"]);
        assert.match(findings[0].message, /values\.adminPassword/);
    });
});

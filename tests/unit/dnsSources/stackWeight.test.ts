import * as assert from "assert";
import type { SourceRecord } from "../../../components/dnsSources/endpoints";
import { withStackWeight } from "../../../components/dnsSources/stackWeight";

describe("cluster canary: the stack's sourced records become weighted sets", () => {
    const alias: SourceRecord = { name: "app.example.com", type: "A", alias: { dnsName: "lb.us-east-1.elb.amazonaws.com", evaluateTargetHealth: true }, resource: "ingress/istio-ingress/app" };
    const own: SourceRecord = { ...alias, name: "own.example.com", setIdentifier: "theirs", weight: 5, resource: "service/demo/own" };

    it("adds dns.setIdentifier and dns.weight to every record without its own set identifier", () => {
        assert.deepStrictEqual(withStackWeight([alias, own], { setIdentifier: "green", weight: 0 }), [{ ...alias, setIdentifier: "green", weight: 0 }, own]);
    });

    it("leaves records simple without dns.setIdentifier", () => {
        assert.deepStrictEqual(withStackWeight([alias], { weight: 100 }), [alias]);
    });
});

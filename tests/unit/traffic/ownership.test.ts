import * as assert from "assert";
import fc from "fast-check";
import { labelValue, ownershipMetadata, ownershipOf, ownsLive, takeOverRefusal } from "../../../providers/traffic/ownership";
import { KubeObject } from "../../../providers/traffic/types";

const owner = { project: "eks-ingress-mesh", stack: "dev", resource: "mesh-traffic-split" };

function vs(labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject {
    return { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "app", namespace: "demo", labels, annotations } };
}

const marked = (o: typeof owner, instance: string) => {
    const m = ownershipMetadata({ owner: o, instance });
    return vs({ "app.kubernetes.io/managed-by": "eks-ingress-mesh", ...m.labels }, m.annotations);
};
const legacy = vs({ "app.kubernetes.io/managed-by": "eks-ingress-mesh" });
const foreign = vs({ team: "payments" });

describe("VirtualService ownership", () => {
    it("labels name the project, stack and resource; annotations the owner in full and the instance", () => {
        assert.deepStrictEqual(ownershipMetadata({ owner, instance: "i-1" }), {
            labels: { "eks-ingress-mesh/project": "eks-ingress-mesh", "eks-ingress-mesh/stack": "dev", "eks-ingress-mesh/resource": "mesh-traffic-split" },
            annotations: { "eks-ingress-mesh/owner": "eks-ingress-mesh/dev/mesh-traffic-split", "eks-ingress-mesh/instance": "i-1" },
        });
        assert.deepStrictEqual(ownershipMetadata(undefined), { labels: {}, annotations: {} }, "as written before marks existed");
    });

    it("label values are always valid, and distinct names never collide", () => {
        const valid = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
        fc.assert(
            fc.property(fc.string({ maxLength: 120 }), fc.string({ maxLength: 120 }), (a, b) => {
                const [la, lb] = [labelValue(a), labelValue(b)];
                assert.ok(la.length <= 63 && valid.test(la), la);
                assert.ok(a === b || la !== lb, `${a} and ${b} both map to ${la}`);
            }),
        );
        assert.strictEqual(labelValue("mesh-traffic-split"), "mesh-traffic-split");
        assert.match(labelValue("urn:pulumi:dev::proj::a$b::c"), /^urn-pulumi-dev-proj-a-b-c-[0-9a-f]{10}$/);
    });

    it("update, read and delete own only the object with their instance mark (or, for old state, an unmarked one)", () => {
        assert.strictEqual(ownsLive(marked(owner, "i-1"), "i-1"), true);
        assert.strictEqual(ownsLive(marked(owner, "i-2"), "i-1"), false, "taken over by a replacement");
        assert.strictEqual(ownsLive(legacy, "i-1"), false);
        assert.strictEqual(ownsLive(legacy, undefined), true, "old state, object as the old version left it");
        assert.strictEqual(ownsLive(marked(owner, "i-2"), undefined), false, "old state, object since taken over");
        assert.strictEqual(ownsLive(foreign, undefined), false);
    });

    it("a create takes over only an object of its own project and stack", () => {
        assert.strictEqual(takeOverRefusal(marked(owner, "i-1"), owner), undefined, "--replace");
        assert.strictEqual(takeOverRefusal(marked({ ...owner, resource: "old-name" }, "i-1"), owner), undefined, "rename without alias");
        assert.match(takeOverRefusal(marked({ ...owner, stack: "prod" }, "i-1"), owner)!, /belongs to stack eks-ingress-mesh\/prod \(resource mesh-traffic-split\); a stack never takes over/);
        assert.match(takeOverRefusal(marked({ ...owner, project: "other" }, "i-1"), owner)!, /belongs to stack other\/dev/);
        assert.match(takeOverRefusal(legacy, owner)!, /carries only the label .* hand it over with: kubectl label virtualservice -n demo app .*eks-ingress-mesh\/stack=dev eks-ingress-mesh\/resource=mesh-traffic-split --overwrite$/);
        assert.match(takeOverRefusal(foreign, owner)!, /is not managed by eks-ingress-mesh/);
        assert.match(takeOverRefusal(marked(owner, "i-1"), undefined)!, /has no owner input/);
    });

    it("describes the owner in full even when a label had to be shortened", () => {
        const long = { ...owner, resource: "x".repeat(80) };
        assert.strictEqual(ownershipOf(marked(long, "i")).description, `stack eks-ingress-mesh/dev (resource ${"x".repeat(80)})`);
    });
});

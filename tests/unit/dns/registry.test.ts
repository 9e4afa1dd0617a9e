import * as assert from "assert";
import * as fc from "fast-check";
import { iamNormalizedName, normalizeListedName } from "../../../providers/dns/names";
import { legacyMarkerName, markerLabels, markerName, parseMarker, renderMarker } from "../../../providers/dns/registry";
import { canonicalTxt, parseTxtStrings, txtText } from "../../../providers/dns/values";

const ZONE = "example.com.";

describe("dns TXT registry: marker names (ExternalDNS format)", () => {
    it("prefixes the type to the host part", () => {
        assert.strictEqual(markerName("", "app.example.com.", "A", ZONE), "a-app.example.com.");
        assert.strictEqual(markerName("", "app.example.com.", "CNAME", ZONE), "cname-app.example.com.");
        assert.strictEqual(markerName("", "x.app.example.com.", "AAAA", ZONE), "aaaa-x.app.example.com.");
        assert.strictEqual(markerName("", "*.example.com.", "A", ZONE), "a-*.example.com.");
    });

    it("keeps the apex marker inside the zone (zone-aware mapping)", () => {
        assert.strictEqual(markerName("", ZONE, "A", ZONE), "a-example.com.example.com.");
    });

    it("supports txtPrefix, with and without %{record_type}", () => {
        assert.strictEqual(markerName("ext-", "app.example.com.", "A", ZONE), "ext-a-app.example.com.");
        assert.strictEqual(markerName("_owner.", "app.example.com.", "TXT", ZONE), "_owner.txt-app.example.com.");
        assert.strictEqual(markerName("%{record_type}-reg.", "app.example.com.", "CNAME", ZONE), "cname-reg.app.example.com.");
        // ExternalDNS keeps the apex labels intact with a prefix ending in a dot (issue 10 item 1)
        assert.strictEqual(markerName("%{record_type}-reg.", ZONE, "A", ZONE), "a-reg.example.com.");
    });

    it("legacy markers sit at the record name (after the prefix)", () => {
        assert.strictEqual(legacyMarkerName("", "app.example.com."), "app.example.com.");
        assert.strictEqual(legacyMarkerName("ext-%{record_type}", "app.example.com."), "ext-app.example.com.");
    });
});

describe("dns TXT registry: marker values", () => {
    it("renders exactly ExternalDNS's serialization", () => {
        assert.strictEqual(renderMarker(markerLabels("stack-dev", "ingress/default/app")), '"heritage=external-dns,external-dns/owner=stack-dev,external-dns/resource=ingress/default/app"');
        assert.strictEqual(renderMarker(markerLabels("stack-dev")), '"heritage=external-dns,external-dns/owner=stack-dev"');
    });

    it("parses real ExternalDNS values", () => {
        // as ExternalDNS writes them (quoted in Route53), and as moto returns them
        assert.deepStrictEqual(parseMarker('"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/default/my-ingress"'), {
            owner: "default",
            resource: "ingress/default/my-ingress",
        });
        assert.deepStrictEqual(parseMarker("heritage=external-dns,external-dns/owner=default"), { owner: "default" });
        assert.deepStrictEqual(parseMarker('"heritage=external-dns,external-dns/owner=eks-prod,external-dns/resource=service/kube-system/nginx"'), {
            owner: "eks-prod",
            resource: "service/kube-system/nginx",
        });
        // label order and unknown tokens do not matter
        assert.deepStrictEqual(parseMarker('"external-dns/resource=crd/ns/x,heritage=external-dns,external-dns/owner=o,junk"'), { owner: "o", resource: "crd/ns/x" });
    });

    it("rejects what ExternalDNS rejects", () => {
        assert.strictEqual(parseMarker('"heritage=mate,external-dns/owner=default"'), undefined);
        assert.strictEqual(parseMarker('"external-dns/owner=default"'), undefined);
        assert.strictEqual(parseMarker('"v=spf1 include:_spf.google.com ~all"'), undefined);
    });

    it("round-trips any owner and resource (property)", () => {
        const label = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,40}$/);
        fc.assert(
            fc.property(label, fc.option(label, { nil: undefined }), (owner, resource) => {
                const text = renderMarker(markerLabels(owner, resource));
                assert.deepStrictEqual(parseMarker(txtText(text)), markerLabels(owner, resource));
                assert.strictEqual(canonicalTxt(text), text, "a marker is already canonical TXT");
            }),
        );
    });
});

describe("dns names and TXT values", () => {
    it("decodes Route53's escaped listing names", () => {
        assert.strictEqual(normalizeListedName("\\052.Example.com."), "*.example.com.");
        assert.strictEqual(normalizeListedName("app.example.com"), "app.example.com.");
    });

    it("renders IAM-normalized names", () => {
        assert.strictEqual(iamNormalizedName("*.Example.com."), "\\052.example.com");
        assert.strictEqual(iamNormalizedName("a-app.example.com."), "a-app.example.com");
    });

    it("parses and re-renders TXT strings (property)", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary", maxLength: 700 }), (text) => {
                fc.pre(parseTxtStrings(text) === undefined); // text that is already zone-file form is taken as such
                const canonical = canonicalTxt(text);
                const strings = parseTxtStrings(canonical)!;
                assert.ok(strings.every((s) => s.length <= 255), "every string fits 255 octets");
                assert.strictEqual(Buffer.concat(strings).toString("utf8"), text, "no content is lost");
                assert.strictEqual(canonicalTxt(canonical), canonical, "canonical form is a fixed point");
            }),
        );
    });

    it("escapes octets outside printable ASCII the way Route53 lists them", () => {
        assert.strictEqual(canonicalTxt("é"), '"\\303\\251"');
        assert.strictEqual(canonicalTxt('"\\303\\251"'), '"\\303\\251"');
    });
});

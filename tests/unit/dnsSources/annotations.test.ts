import * as assert from "assert";
import { parseSourceAnnotations, parseTtl, splitList } from "../../../components/dnsSources/annotations";

const H = "external-dns.alpha.kubernetes.io/hostname";
const parsed = (a: Record<string, string>) => {
    const r = parseSourceAnnotations(a);
    assert.ok(r.ok, `parses: ${JSON.stringify(r)}`);
    return r.value;
};
const problems = (a: Record<string, string>) => {
    const r = parseSourceAnnotations(a);
    assert.ok(!r.ok, "refused");
    return r.problems.join("\n");
};

describe("ExternalDNS annotations (as source/annotations parses them)", () => {
    it("is no source without a hostname annotation, whatever else is set", () => {
        assert.strictEqual(parsed({ "external-dns.alpha.kubernetes.io/ttl": "60" }), undefined);
        assert.strictEqual(parsed({}), undefined);
    });

    it("splits hostnames and targets at commas after removing every space; targets lose a trailing dot", () => {
        assert.deepStrictEqual(splitList(" a.example.com , b.example.com,,"), ["a.example.com", "b.example.com"]);
        const v = parsed({ [H]: "a.example.com, b.example.com", "external-dns.alpha.kubernetes.io/target": "lb.example.net., 192.0.2.1" })!;
        assert.deepStrictEqual(v.hostnames, ["a.example.com", "b.example.com"]);
        assert.deepStrictEqual(v.targets, ["lb.example.net", "192.0.2.1"]);
    });

    it("reads the TTL as whole seconds or a Go duration, truncating fractions", () => {
        assert.strictEqual(parseTtl("600"), 600);
        assert.strictEqual(parseTtl("10m"), 600);
        assert.strictEqual(parseTtl("1h30m"), 5400);
        assert.strictEqual(parseTtl("1.5s"), 1);
        assert.strictEqual(parseTtl("1500ms"), 1);
        assert.strictEqual(parseTtl("ten"), undefined);
        assert.strictEqual(parsed({ [H]: "a.example.com", "external-dns.alpha.kubernetes.io/ttl": "5m" })!.ttl, 300);
    });

    it("refuses a TTL outside 1..2147483647 or unparsable, naming the annotation and the allowed forms", () => {
        for (const bad of ["0", "-5", "500ms", "ten", "2147483648"]) {
            assert.match(problems({ [H]: "a.example.com", "external-dns.alpha.kubernetes.io/ttl": bad }), /ttl ".*" must be whole seconds or a Go duration .* between 1 and 2147483647/);
        }
    });

    it("treats alias as on only for exactly \"true\"", () => {
        assert.strictEqual(parsed({ [H]: "a.example.com", "external-dns.alpha.kubernetes.io/alias": "true" })!.alias, true);
        assert.strictEqual(parsed({ [H]: "a.example.com", "external-dns.alpha.kubernetes.io/alias": "yes" })!.alias, false);
        assert.strictEqual(parsed({ [H]: "a.example.com" })!.alias, false);
    });

    it("reads the newer external-dns.kubernetes.io/ prefix too, and refuses the two prefixes disagreeing", () => {
        assert.deepStrictEqual(parsed({ "external-dns.kubernetes.io/hostname": "a.example.com" })!.hostnames, ["a.example.com"]);
        assert.match(problems({ [H]: "a.example.com", "external-dns.kubernetes.io/hostname": "b.example.com" }), /disagree; keep one/);
    });

    it("refuses routing-policy annotations instead of dropping the policy silently", () => {
        assert.match(problems({ [H]: "a.example.com", "external-dns.alpha.kubernetes.io/set-identifier": "blue" }), /set-identifier \(routing policies\) is not supported yet/);
        assert.match(problems({ [H]: "a.example.com", "external-dns.alpha.kubernetes.io/aws-weight": "10" }), /aws-weight \(routing policies\) is not supported yet/);
    });

    it("refuses an empty hostname list", () => {
        assert.match(problems({ [H]: " , " }), /names no hostname/);
    });
});

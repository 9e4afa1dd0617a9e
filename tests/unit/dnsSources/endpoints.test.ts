import * as assert from "assert";
import { SourceObject, sourceRecords } from "../../../components/dnsSources/endpoints";

const H = "external-dns.alpha.kubernetes.io/hostname";
const ALB = "k8s-eksingress-0123456789-1234567890.ap-northeast-2.elb.amazonaws.com";
const NLB = "k8s-kubesyst-kubeopsv-0123456789-0123456789abcdef.elb.ap-northeast-2.amazonaws.com";
const svc = (annotations: Record<string, string>, lb: Array<{ hostname?: string; ip?: string }>, type = "LoadBalancer"): SourceObject => ({
    kind: "service",
    namespace: "web",
    name: "echo",
    annotations,
    serviceType: type,
    status: { loadBalancer: { ingress: lb } },
});

describe("records of one annotated object (ExternalDNS's sources plus its AWS provider)", () => {
    it("aliases a known AWS load balancer hostname from the status, one A per name, target health on, no TTL", () => {
        const r = sourceRecords(svc({ [H]: "echo.example.com,e.example.com", "external-dns.alpha.kubernetes.io/ttl": "60" }, [{ hostname: NLB }]), "example.com");
        assert.deepStrictEqual(r.problems, []);
        assert.deepStrictEqual(r.records, [
            { name: "echo.example.com.", type: "A", alias: { dnsName: NLB, evaluateTargetHealth: true }, resource: "service/web/echo" },
            { name: "e.example.com.", type: "A", alias: { dnsName: NLB, evaluateTargetHealth: true }, resource: "service/web/echo" },
        ]);
    });

    it("gives IPv4 targets an A and IPv6 targets an AAAA record with the annotated TTL", () => {
        const r = sourceRecords(svc({ [H]: "echo.example.com", "external-dns.alpha.kubernetes.io/ttl": "2m" }, [{ ip: "192.0.2.10" }, { ip: "2001:db8::1" }]), "example.com");
        assert.deepStrictEqual(r.records, [
            { name: "echo.example.com.", type: "A", ttl: 120, values: ["192.0.2.10"], resource: "service/web/echo" },
            { name: "echo.example.com.", type: "AAAA", ttl: 120, values: ["2001:db8::1"], resource: "service/web/echo" },
        ]);
    });

    it("makes a CNAME of a hostname that is no AWS endpoint, and an alias of it when alias is \"true\"", () => {
        const cname = sourceRecords(svc({ [H]: "echo.example.com", "external-dns.alpha.kubernetes.io/ttl": "60" }, [{ hostname: "lb.example.net" }]), "example.com");
        assert.deepStrictEqual(cname.records, [{ name: "echo.example.com.", type: "CNAME", ttl: 60, values: ["lb.example.net"], resource: "service/web/echo" }]);
        const alias = sourceRecords(svc({ [H]: "echo.example.com", "external-dns.alpha.kubernetes.io/alias": "true", "external-dns.alpha.kubernetes.io/aws-evaluate-target-health": "false" }, [{ hostname: "other.example.com" }]), "example.com");
        assert.deepStrictEqual(alias.records, [{ name: "echo.example.com.", type: "A", alias: { dnsName: "other.example.com", evaluateTargetHealth: false }, resource: "service/web/echo" }]);
    });

    it("lets the target annotation override the status", () => {
        const r = sourceRecords(svc({ [H]: "echo.example.com", "external-dns.alpha.kubernetes.io/target": "198.51.100.7" }, [{ hostname: ALB }]), "example.com");
        assert.deepStrictEqual(r.records, [{ name: "echo.example.com.", type: "A", values: ["198.51.100.7"], resource: "service/web/echo" }]);
    });

    it("refuses a hostname outside the domain, naming the object and the name", () => {
        const r = sourceRecords({ kind: "ingress", namespace: "shop", name: "front", annotations: { [H]: "shop.example.org" }, status: { loadBalancer: { ingress: [{ hostname: ALB }] } } }, "example.com");
        assert.deepStrictEqual(r.records, []);
        assert.deepStrictEqual(r.problems, [`ingress/shop/front: ${H} "shop.example.org" is outside the domain example.com; only names inside it can be published`]);
    });

    it("refuses an annotated Service that is no LoadBalancer, or one without an address, naming it", () => {
        assert.match(sourceRecords(svc({ [H]: "echo.example.com" }, [], "ClusterIP"), "example.com").problems.join(), /service\/web\/echo: .* on a Service of type ClusterIP; only LoadBalancer Services get records/);
        assert.match(sourceRecords(svc({ [H]: "echo.example.com" }, []), "example.com").problems.join(), /service\/web\/echo: has .* but no load balancer address .* kubectl -n web describe service echo/);
    });

    it("refuses targets a record set cannot hold: several hostnames, or hostnames beside IPs", () => {
        assert.match(sourceRecords(svc({ [H]: "echo.example.com" }, [{ hostname: ALB }, { hostname: NLB }]), "example.com").problems.join(), /2 hostname targets/);
        assert.match(sourceRecords(svc({ [H]: "echo.example.com" }, [{ hostname: ALB, ip: "192.0.2.1" }]), "example.com").problems.join(), /mix hostnames .* and IP addresses/);
    });

    it("gives an object without the hostname annotation no records and no problems", () => {
        assert.deepStrictEqual(sourceRecords(svc({}, [{ hostname: ALB }]), "example.com"), { records: [], problems: [] });
    });
});

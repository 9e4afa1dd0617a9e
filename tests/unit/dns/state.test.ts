/** Reading the state of every earlier Route53RecordSync version (every field may be missing). */
import * as assert from "assert";
import { encryptedEncoder, parseEncryptionKey } from "../../../providers/dns/markerCrypto";
import { hasRecordList, markerCodec, previousRegistry, stateHeldKeys, stateInstance, stateKeys, stateRegistries, stateRegistry } from "../../../providers/dns/state";

describe("dns state readers", () => {
    const first = { zoneName: "example.com.", zoneId: "Z1", ownerId: "o", txtPrefix: "", policy: "sync", records: [{ name: "a.example.com.", type: "A" }], fqdns: ["a.example.com"] };

    it("reads the first release's outputs: records, no instance, no claims, no suffix", () => {
        assert.deepStrictEqual(stateKeys(first), [{ name: "a.example.com.", type: "A" }]);
        assert.strictEqual(stateInstance(first), undefined);
        assert.deepStrictEqual(stateRegistry(first), { ownerId: "o", txtPrefix: "", txtSuffix: "", wildcardReplacement: "" });
        assert.ok(hasRecordList(first));
    });

    it("tolerates missing or malformed fields", () => {
        assert.deepStrictEqual(stateKeys({}), []);
        assert.ok(!hasRecordList({ ownerId: "o" }));
        assert.deepStrictEqual(stateKeys({ records: [null, { name: 1 }, { name: "x.", type: "MX" }, { name: "y.", type: "TXT" }] }), [{ name: "y.", type: "TXT" }]);
        assert.strictEqual(stateRegistry({ zoneName: "example.com." }), undefined);
        assert.strictEqual(stateRegistries({}), undefined);
    });

    it("holds records and claims, de-duplicated", () => {
        const state = { ...first, claims: [{ name: "a.example.com.", type: "A" }, { name: "gone.example.com.", type: "A" }] };
        assert.deepStrictEqual(stateHeldKeys(state), [{ name: "a.example.com.", type: "A" }, { name: "gone.example.com.", type: "A" }]);
    });

    it("a half-done migration's origin is the previous registry", () => {
        const partial = { ...first, ownerId: "new", migratingFrom: { ownerId: "o", txtPrefix: "ext-", txtSuffix: "", wildcardReplacement: "wild" } };
        assert.deepStrictEqual(previousRegistry(partial), { ownerId: "o", txtPrefix: "ext-", txtSuffix: "", wildcardReplacement: "wild" });
        assert.deepStrictEqual(previousRegistry(first), stateRegistry(first));
        assert.strictEqual(stateRegistries(partial)?.previous?.ownerId, "o");
    });

    it("reads markers encrypted with the current key, the previous key (rotation) or none", () => {
        const [k1, k2] = ["passphrasewhichneedstobe32bytes!", "another-passphrase-of-32-bytes!!"];
        const key = (k: string) => (parseEncryptionKey(k) as { key: Buffer }).key;
        const old = encryptedEncoder(key(k1))({ owner: "o" });
        const codec = markerCodec(k2, k1);
        assert.deepStrictEqual(codec.decode(old)?.labels, { owner: "o" });
        assert.deepStrictEqual(codec.decode('"heritage=external-dns,external-dns/owner=o"')?.labels, { owner: "o" });
        assert.ok(codec.encrypted && codec.encode);
        assert.ok(!markerCodec(undefined).encrypted);
    });
});

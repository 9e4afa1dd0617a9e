/**
 * Encrypted TXT markers as ExternalDNS writes and reads them (endpoint/crypto.go, endpoint/labels.go
 * and the key handling of registry/txt/registry.go, v0.22):
 *
 * - key: `--txt-encrypt-aes-key` taken as 32 raw bytes when it is 32 characters long, else
 *   base64-decoded (standard alphabet) to exactly 32 bytes: AES-256;
 * - value: `"` + base64(nonce ‖ AES-GCM(gzip(plain labels))) + `"`, nonce 12 random bytes, no
 *   additional data, 16-byte tag; the plain text is the serialization without quotes; gzip is Go's
 *   own output (goGzip.ts), so the value is the one ExternalDNS itself computes for those labels
 *   and nonce, and Route53 accepts ExternalDNS's DELETE of a marker this provider wrote;
 * - the nonce of a marker read is kept and reused when the same marker is rewritten, so rewriting
 *   unchanged labels reproduces the same value (ExternalDNS keeps it as a label for that reason);
 * - reading: a value that does not decrypt is parsed as plain labels (a registry being migrated to
 *   encryption holds both).
 *
 * Node's `crypto` and `zlib` are required inside the functions: this module is serialized into the
 * dynamic provider.
 */
import { goGzipBestCompression } from "./goGzip";
import { parseMarker, serializeLabels } from "./registry";
import type { MarkerDecoder } from "./ownership";
import type { MarkerEncoder } from "./plan";

export const NONCE_SIZE = 12;
const TAG_SIZE = 16;
const KEY_SIZE = 32;

/** The AES key bytes of a configured key, or an error message naming the rule. */
export function parseEncryptionKey(raw: string): { key: Buffer } | { error: string } {
    // Go's len() counts bytes: 32 bytes of text are the key itself
    if (Buffer.byteLength(raw, "utf8") === KEY_SIZE) return { key: Buffer.from(raw, "utf8") };
    const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(raw) && raw.length % 4 === 0 ? Buffer.from(raw, "base64") : undefined;
    if (!decoded || decoded.length !== KEY_SIZE) {
        return { error: "must be 32 bytes long, in either plain text or base64-encoded format (as ExternalDNS's --txt-encrypt-aes-key)" };
    }
    return { key: decoded };
}

/** gzip at best compression, byte for byte as Go writes it (see goGzip.ts: ExternalDNS regenerates markers to delete them). */
function compress(text: string): Buffer {
    return Buffer.from(goGzipBestCompression(Buffer.from(text, "utf8")));
}

/** EncryptText: base64(nonce ‖ ciphertext ‖ tag) of the gzipped text. */
export function encryptText(text: string, key: Buffer, nonceB64: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto: typeof import("crypto") = require("crypto");
    const nonce = Buffer.from(nonceB64, "base64");
    if (nonce.length !== NONCE_SIZE) throw new Error(`encrypted marker nonce must be ${NONCE_SIZE} bytes, got ${nonce.length}`);
    const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_SIZE });
    const sealed = Buffer.concat([cipher.update(compress(text)), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([nonce, sealed]).toString("base64");
}

/** DecryptText: the plain text and the nonce (base64), or undefined when it does not decrypt. */
export function decryptText(text: string, key: Buffer): { text: string; nonce: string } | undefined {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto: typeof import("crypto") = require("crypto");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const zlib: typeof import("zlib") = require("zlib");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
    const data = Buffer.from(text, "base64");
    if (data.length <= NONCE_SIZE + TAG_SIZE) return undefined;
    const nonce = data.subarray(0, NONCE_SIZE);
    try {
        const decipher = crypto.createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_SIZE });
        decipher.setAuthTag(data.subarray(data.length - TAG_SIZE));
        const plain = Buffer.concat([decipher.update(data.subarray(NONCE_SIZE, data.length - TAG_SIZE)), decipher.final()]);
        return { text: zlib.gunzipSync(plain).toString("utf8"), nonce: nonce.toString("base64") };
    } catch {
        return undefined;
    }
}

/** A fresh random nonce (base64), as GenerateNonce. */
export function generateNonce(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto: typeof import("crypto") = require("crypto");
    return crypto.randomBytes(NONCE_SIZE).toString("base64");
}

/** NewLabelsFromString with a key: decrypted labels (the nonce returned beside them), or the plain reading. */
export function encryptedDecoder(key: Buffer): MarkerDecoder {
    return (value) => {
        const decrypted = decryptText(value.replace(/^"+|"+$/g, ""), key);
        if (decrypted) {
            const labels = parseMarker(decrypted.text);
            return labels ? { labels, nonce: decrypted.nonce } : undefined;
        }
        const labels = parseMarker(value);
        return labels ? { labels } : undefined;
    };
}

/** Labels.Serialize(true, true, key): the nonce of the replaced marker, else a new one. */
export function encryptedEncoder(key: Buffer, newNonce: () => string = generateNonce): MarkerEncoder {
    return (labels, nonce) => `"${encryptText(serializeLabels(labels), key, nonce ?? newNonce())}"`;
}

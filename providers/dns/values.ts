/**
 * Canonical forms of record values, so desired values (from the user) and live values (from
 * ListResourceRecordSets) compare equal exactly when they mean the same thing.
 *
 * TXT values use Route53's zone-file form: one or more quoted character-strings, each at most
 * 255 octets, `"` and `\` backslash-escaped, octets outside printable ASCII as three-digit octal
 * escapes (`\ddd`), which is how Route53 returns them.
 */
import { isIPv4, isIPv6 } from "net";
import { normalizeDomain, normalizeListedName } from "./names";
import type { RecordType } from "./types";

/** Octets per TXT character-string (RFC 1035). */
export const TXT_STRING_LIMIT = 255;
/** Route53's limit on one ResourceRecord Value. */
export const MAX_VALUE_LENGTH = 4000;

export type ValueResult =
    | { readonly ok: true; readonly value: string }
    | { readonly ok: false; readonly rule: string; readonly reason: string };

/**
 * Parses zone-file TXT form (`"a" "b\"c"`) into the octets of each character-string, or returns
 * undefined when `value` is not entirely made of quoted strings.
 */
export function parseTxtStrings(value: string): Buffer[] | undefined {
    const strings: Buffer[] = [];
    let i = 0;
    const skipSpace = (): void => {
        while (i < value.length && /\s/.test(value[i])) i++;
    };
    skipSpace();
    if (i >= value.length) {
        return undefined;
    }
    while (i < value.length) {
        if (value[i] !== '"') {
            return undefined;
        }
        i++;
        const bytes: number[] = [];
        let closed = false;
        while (i < value.length) {
            const c = value[i];
            if (c === '"') {
                closed = true;
                i++;
                break;
            }
            if (c === "\\") {
                const oct = /^[0-7]{3}/.exec(value.slice(i + 1, i + 4));
                if (oct) {
                    bytes.push(parseInt(oct[0], 8) & 0xff);
                    i += 4;
                    continue;
                }
                if (i + 1 >= value.length) {
                    return undefined;
                }
                bytes.push(...Buffer.from(value[i + 1], "utf8"));
                i += 2;
                continue;
            }
            const cp = value.codePointAt(i) as number;
            const ch = String.fromCodePoint(cp);
            bytes.push(...Buffer.from(ch, "utf8"));
            i += ch.length;
        }
        if (!closed) {
            return undefined;
        }
        strings.push(Buffer.from(bytes));
        const before = i;
        skipSpace();
        if (i < value.length && i === before) {
            return undefined; // two strings must be separated by white space
        }
    }
    return strings;
}

/** Renders one character-string in Route53's quoted form. */
function renderTxtString(bytes: Buffer): string {
    let out = '"';
    for (const b of bytes) {
        if (b === 0x22 || b === 0x5c) {
            out += `\\${String.fromCharCode(b)}`;
        } else if (b >= 0x20 && b <= 0x7e) {
            out += String.fromCharCode(b);
        } else {
            out += `\\${b.toString(8).padStart(3, "0")}`;
        }
    }
    return `${out}"`;
}

/** Splits octets into ≤255-octet pieces without cutting a UTF-8 sequence in two. */
export function splitTxtOctets(bytes: Buffer): Buffer[] {
    if (bytes.length === 0) {
        return [bytes];
    }
    const pieces: Buffer[] = [];
    let start = 0;
    while (start < bytes.length) {
        let end = Math.min(start + TXT_STRING_LIMIT, bytes.length);
        if (end < bytes.length) {
            // back off while the next octet is a UTF-8 continuation byte (10xxxxxx)
            let cut = end;
            while (cut > start && (bytes[cut] & 0xc0) === 0x80) cut--;
            if (cut > start) end = cut;
        }
        pieces.push(bytes.subarray(start, end));
        start = end;
    }
    return pieces;
}

/**
 * Canonical TXT value: either zone-file form as given (strings longer than 255 octets are split)
 * or raw text, which is split into 255-octet strings.
 */
export function canonicalTxt(value: string): string {
    const strings = parseTxtStrings(value) ?? [Buffer.from(value, "utf8")];
    return strings.flatMap(splitTxtOctets).map(renderTxtString).join(" ");
}

/** The text a TXT value carries (its strings concatenated), for reading ownership markers. */
export function txtText(value: string): string {
    const strings = parseTxtStrings(value);
    return strings ? Buffer.concat(strings).toString("utf8") : value;
}

function canonicalIPv6(value: string): string {
    return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

/** Validates and canonicalizes one desired value of a plain record. */
export function canonicalValue(type: RecordType, raw: string): ValueResult {
    const v = raw.trim();
    let value: string;
    switch (type) {
        case "A":
            if (!isIPv4(v)) {
                return { ok: false, rule: "invalid-ipv4", reason: `"${raw}" is not an IPv4 address` };
            }
            value = v;
            break;
        case "AAAA":
            if (!isIPv6(v)) {
                return { ok: false, rule: "invalid-ipv6", reason: `"${raw}" is not an IPv6 address` };
            }
            value = canonicalIPv6(v);
            break;
        case "CNAME": {
            const name = normalizeDomain(v);
            if (!name.ok) {
                return { ok: false, rule: `cname-target-${name.rule}`, reason: `CNAME target "${raw}" ${name.reason}` };
            }
            value = name.name;
            break;
        }
        case "TXT":
            value = canonicalTxt(raw);
            break;
    }
    if (value.length > MAX_VALUE_LENGTH) {
        return { ok: false, rule: "value-too-long", reason: `a value is ${value.length} characters in Route53 form; the limit is ${MAX_VALUE_LENGTH}` };
    }
    return { ok: true, value };
}

/** Canonicalizes a value read from Route53; never fails (unknown shapes are kept as they are). */
export function canonicalLiveValue(type: string, raw: string): string {
    switch (type) {
        case "AAAA":
            return isIPv6(raw.trim()) ? canonicalIPv6(raw.trim()) : raw;
        case "CNAME":
            return normalizeListedName(raw.trim());
        case "TXT":
            return canonicalTxt(raw);
        default:
            return raw.trim();
    }
}

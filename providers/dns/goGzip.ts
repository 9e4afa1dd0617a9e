/**
 * gzip exactly as ExternalDNS writes it for an encrypted marker: Go's `gzip.NewWriterLevel(w,
 * gzip.BestCompression)`, `Write`, `Flush`, `Close` (endpoint/crypto.go compressData). Route53
 * deletes a record set only when the DELETE repeats its value byte for byte, and ExternalDNS
 * deletes a marker by regenerating it (same labels, same nonce): so a marker this provider
 * encrypts must be the very bytes ExternalDNS would produce. Node's zlib produces a different (also
 * valid) deflate stream; this module follows Go's compress/flate compressor at level 9 instead:
 * lazy matching over 4-byte hash chains (good 32, lazy 258, nice 258, chain 4096), one block
 * coded stored, fixed or dynamic by whichever is smallest, Go's length-limited Huffman code
 * construction, then Flush's empty stored block and Close's final empty stored block; gzip header
 * with no name, mtime 0, XFL 2 and OS 255.
 *
 * Written for marker-sized input (a single window, at most 16384 tokens: far above the 255 octets
 * a marker may have); longer input is refused rather than encoded differently from Go.
 * Pure: no Node module is needed.
 */

const MIN_MATCH = 4;
const MAX_MATCH = 258;
const BASE_MATCH_LENGTH = 3;
const BASE_MATCH_OFFSET = 1;
const HASH_BITS = 17;
const HASH_MUL = 0x1e35a7bd;
const GOOD = 32;
const LAZY = 258;
const NICE = 258;
const CHAIN = 4096;
const MAX_INPUT = 16_000;
const END_BLOCK = 256;
const LENGTH_CODES_START = 257;
const MAX_NUM_LIT = 286;
const OFFSET_CODE_COUNT = 30;
const CODEGEN_CODE_COUNT = 19;
const BAD_CODE = 255;

const LENGTH_EXTRA_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const LENGTH_BASE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255];
const OFFSET_EXTRA_BITS = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const OFFSET_BASE = [
    0x0, 0x1, 0x2, 0x3, 0x4, 0x6, 0x8, 0xc, 0x10, 0x18, 0x20, 0x30, 0x40, 0x60, 0x80, 0xc0, 0x100, 0x180, 0x200, 0x300, 0x400, 0x600, 0x800, 0xc00, 0x1000,
    0x1800, 0x2000, 0x3000, 0x4000, 0x6000,
];
const CODEGEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** lengthCodes[xlength] (length - 3 → 0..28), as token.go's table. */
function lengthCode(xlength: number): number {
    let code = 0;
    while (code + 1 < LENGTH_BASE.length && LENGTH_BASE[code + 1] <= xlength) code++;
    return code;
}

/** offsetCode(xoffset) (offset - 1 → 0..29). */
function offsetCode(xoffset: number): number {
    let code = 0;
    while (code + 1 < OFFSET_BASE.length && OFFSET_BASE[code + 1] <= xoffset) code++;
    return code;
}

type Token = { readonly literal: number } | { readonly xlength: number; readonly xoffset: number };

const hash4 = (b: Uint8Array, i: number): number => (Math.imul((b[i + 3] | (b[i + 2] << 8) | (b[i + 1] << 16) | (b[i] << 24)) >>> 0, HASH_MUL) >>> 0) >>> (32 - HASH_BITS);

function matchLen(b: Uint8Array, i: number, pos: number, max: number): number {
    for (let k = 0; k < max; k++) if (b[i + k] !== b[pos + k]) return k;
    return max;
}

/** compressor.deflate() at level 9 with sync set, over the whole input in one window. */
function tokenize(win: Uint8Array): Token[] {
    const hashOffset = 1;
    const head = new Map<number, number>();
    const prev = new Map<number, number>();
    const tokens: Token[] = [];
    const windowEnd = win.length;
    const maxInsertIndex = windowEnd - (MIN_MATCH - 1);
    let index = 0;
    let length = MIN_MATCH - 1;
    let offset = 0;
    let byteAvailable = false;
    let chainHead = -1;
    const insert = (at: number): void => {
        const h = hash4(win, at);
        prev.set(at, head.get(h) ?? 0);
        head.set(h, at + hashOffset);
    };
    const findMatch = (pos: number, prevHead: number, prevLength: number, lookahead: number): { length: number; offset: number } | undefined => {
        const minMatchLook = Math.min(MAX_MATCH, lookahead);
        const nice = Math.min(minMatchLook, NICE);
        let tries = CHAIN;
        let len = prevLength;
        if (len >= GOOD) tries >>= 2;
        let wEnd = win[pos + len];
        let found: { length: number; offset: number } | undefined;
        for (let i = prevHead; tries > 0; tries--) {
            if (wEnd === win[i + len]) {
                const n = matchLen(win, i, pos, minMatchLook);
                if (n > len && (n > MIN_MATCH || pos - i <= 4096)) {
                    len = n;
                    found = { length: n, offset: pos - i };
                    if (n >= nice) break;
                    wEnd = win[pos + n];
                }
            }
            i = (prev.get(i) ?? 0) - hashOffset;
            if (i < 0) break;
        }
        return found;
    };
    for (;;) {
        const lookahead = windowEnd - index;
        if (lookahead === 0) {
            if (byteAvailable) tokens.push({ literal: win[index - 1] });
            return tokens;
        }
        if (index < maxInsertIndex) {
            const h = hash4(win, index);
            chainHead = head.get(h) ?? 0;
            prev.set(index, chainHead);
            head.set(h, index + hashOffset);
        }
        const prevLength = length;
        const prevOffset = offset;
        length = MIN_MATCH - 1;
        offset = 0;
        if (chainHead - hashOffset >= 0 && lookahead > prevLength && prevLength < LAZY) {
            const m = findMatch(index, chainHead - hashOffset, MIN_MATCH - 1, lookahead);
            if (m) ({ length, offset } = m);
        }
        if (prevLength >= MIN_MATCH && length <= prevLength) {
            tokens.push({ xlength: prevLength - BASE_MATCH_LENGTH, xoffset: prevOffset - BASE_MATCH_OFFSET });
            const newIndex = index + prevLength - 1;
            for (index++; index < newIndex; index++) {
                if (index < maxInsertIndex) insert(index);
            }
            byteAvailable = false;
            length = MIN_MATCH - 1;
        } else {
            if (byteAvailable) tokens.push({ literal: win[index - 1] });
            index++;
            byteAvailable = true;
        }
    }
}

interface HCode {
    code: number;
    len: number;
}

const reverseBits = (n: number, bits: number): number => {
    let r = 0;
    for (let i = 0; i < bits; i++) r |= ((n >> i) & 1) << (bits - 1 - i);
    return r;
};

function fixedLiteralCodes(): HCode[] {
    const codes: HCode[] = [];
    for (let ch = 0; ch < MAX_NUM_LIT; ch++) {
        const [bits, size] = ch < 144 ? [ch + 48, 8] : ch < 256 ? [ch + 400 - 144, 9] : ch < 280 ? [ch - 256, 7] : [ch + 192 - 280, 8];
        codes.push({ code: reverseBits(bits, size), len: size });
    }
    return codes;
}
const FIXED_OFFSET_CODES: HCode[] = Array.from({ length: 30 }, (_, ch) => ({ code: reverseBits(ch, 5), len: 5 }));

const bitLength = (codes: readonly HCode[], freq: readonly number[]): number => freq.reduce((t, f, i) => (f !== 0 ? t + f * codes[i].len : t), 0);

/** huffmanEncoder.bitCounts: Go's length-limited code lengths (list sorted by freq, then literal). */
function bitCounts(list: { literal: number; freq: number }[], maxBitsIn: number): number[] {
    const n = list.length;
    const nodes = [...list, { literal: 0xffff, freq: 0x7fffffff }];
    const maxBits = Math.min(maxBitsIn, n - 1);
    const MAX = 0x7fffffff;
    const levels = Array.from({ length: 16 }, () => ({ level: 0, lastFreq: 0, nextCharFreq: 0, nextPairFreq: 0, needed: 0 }));
    const leafCounts = Array.from({ length: 16 }, () => new Array<number>(16).fill(0));
    for (let level = 1; level <= maxBits; level++) {
        levels[level] = { level, lastFreq: nodes[1].freq, nextCharFreq: nodes[2].freq, nextPairFreq: nodes[0].freq + nodes[1].freq, needed: 0 };
        leafCounts[level][level] = 2;
        if (level === 1) levels[level].nextPairFreq = MAX;
    }
    levels[maxBits].needed = 2 * n - 4;
    let level = maxBits;
    for (;;) {
        const l = levels[level];
        if (l.nextPairFreq === MAX && l.nextCharFreq === MAX) {
            l.needed = 0;
            levels[level + 1].nextPairFreq = MAX;
            level++;
            continue;
        }
        const prevFreq = l.lastFreq;
        if (l.nextCharFreq < l.nextPairFreq) {
            const next = leafCounts[level][level] + 1;
            l.lastFreq = l.nextCharFreq;
            leafCounts[level][level] = next;
            l.nextCharFreq = nodes[next].freq;
        } else {
            l.lastFreq = l.nextPairFreq;
            for (let k = 0; k < level; k++) leafCounts[level][k] = leafCounts[level - 1][k];
            levels[l.level - 1].needed = 2;
        }
        if (--l.needed === 0) {
            if (l.level === maxBits) break;
            levels[l.level + 1].nextPairFreq = prevFreq + l.lastFreq;
            level++;
        } else {
            while (levels[level - 1].needed > 0) level--;
        }
    }
    if (leafCounts[maxBits][maxBits] !== n) throw new Error("goGzip: internal error in Huffman code lengths");
    const bitCount = new Array<number>(maxBits + 1).fill(0);
    let bits = 1;
    for (let lv = maxBits; lv > 0; lv--) {
        bitCount[bits] = leafCounts[maxBits][lv] - leafCounts[maxBits][lv - 1];
        bits++;
    }
    return bitCount;
}

/** huffmanEncoder.generate: codes for `freq` (a code of length 0 for an unused symbol). */
function generate(codes: HCode[], freq: readonly number[], maxBits: number): void {
    let list: { literal: number; freq: number }[] = [];
    freq.forEach((f, i) => {
        if (f !== 0) list.push({ literal: i, freq: f });
        else codes[i].len = 0;
    });
    if (list.length <= 2) {
        list.forEach((node, i) => (codes[node.literal] = { code: i, len: 1 }));
        return;
    }
    list.sort((a, b) => (a.freq === b.freq ? a.literal - b.literal : a.freq - b.freq));
    const bitCount = bitCounts(list, maxBits);
    let code = 0;
    bitCount.forEach((count, n) => {
        code <<= 1;
        if (n === 0 || count === 0) return;
        const chunk = list.slice(list.length - count).sort((a, b) => a.literal - b.literal);
        for (const node of chunk) {
            codes[node.literal] = { code: reverseBits(code, n), len: n };
            code++;
        }
        list = list.slice(0, list.length - count);
    });
}

/** LSB-first bit output, as huffmanBitWriter writes it. */
function bitWriter() {
    const out: number[] = [];
    let bits = 0;
    let nbits = 0;
    const writeBits = (value: number, n: number): void => {
        for (let i = 0; i < n; i++) {
            bits |= ((value >>> i) & 1) << nbits;
            nbits++;
            if (nbits === 8) {
                out.push(bits);
                bits = 0;
                nbits = 0;
            }
        }
    };
    return {
        writeBits,
        writeCode: (c: HCode) => writeBits(c.code, c.len),
        flush: () => {
            if (nbits > 0) out.push(bits);
            bits = 0;
            nbits = 0;
        },
        writeBytes: (b: Uint8Array) => out.push(...b),
        bytes: () => Uint8Array.from(out),
    };
}

/** huffmanBitWriter.writeBlock(tokens, eof=false, input) with Go's choice of block type. */
function writeBlock(w: ReturnType<typeof bitWriter>, tokensIn: readonly Token[], input: Uint8Array): void {
    const tokens: Token[] = [...tokensIn, { literal: END_BLOCK }];
    const literalFreq = new Array<number>(MAX_NUM_LIT).fill(0);
    const offsetFreq = new Array<number>(OFFSET_CODE_COUNT).fill(0);
    for (const t of tokens) {
        if ("literal" in t) literalFreq[t.literal]++;
        else {
            literalFreq[LENGTH_CODES_START + lengthCode(t.xlength)]++;
            offsetFreq[offsetCode(t.xoffset)]++;
        }
    }
    let numLiterals = MAX_NUM_LIT;
    while (literalFreq[numLiterals - 1] === 0) numLiterals--;
    let numOffsets = OFFSET_CODE_COUNT;
    while (numOffsets > 0 && offsetFreq[numOffsets - 1] === 0) numOffsets--;
    if (numOffsets === 0) {
        offsetFreq[0] = 1;
        numOffsets = 1;
    }
    const litCodes: HCode[] = Array.from({ length: MAX_NUM_LIT }, () => ({ code: 0, len: 0 }));
    const offCodes: HCode[] = Array.from({ length: OFFSET_CODE_COUNT }, () => ({ code: 0, len: 0 }));
    generate(litCodes, literalFreq, 15);
    generate(offCodes, offsetFreq, 15);

    let extraBits = 0;
    for (let code = LENGTH_CODES_START + 8; code < numLiterals; code++) extraBits += literalFreq[code] * LENGTH_EXTRA_BITS[code - LENGTH_CODES_START];
    for (let code = 4; code < numOffsets; code++) extraBits += offsetFreq[code] * OFFSET_EXTRA_BITS[code];

    const fixedLit = fixedLiteralCodes();
    const fixedSize = 3 + bitLength(fixedLit, literalFreq) + bitLength(FIXED_OFFSET_CODES, offsetFreq) + extraBits;

    // generateCodegen: run-length coded code lengths of both trees
    const lengths = [...litCodes.slice(0, numLiterals).map((c) => c.len), ...offCodes.slice(0, numOffsets).map((c) => c.len), BAD_CODE];
    const codegen: number[] = [];
    const codegenFreq = new Array<number>(CODEGEN_CODE_COUNT).fill(0);
    let size = lengths[0];
    let count = 1;
    for (let inIndex = 1; size !== BAD_CODE; inIndex++) {
        const nextSize = lengths[inIndex];
        if (nextSize === size) {
            count++;
            continue;
        }
        if (size !== 0) {
            codegen.push(size);
            codegenFreq[size]++;
            count--;
            while (count >= 3) {
                const n = Math.min(6, count);
                codegen.push(16, n - 3);
                codegenFreq[16]++;
                count -= n;
            }
        } else {
            while (count >= 11) {
                const n = Math.min(138, count);
                codegen.push(18, n - 11);
                codegenFreq[18]++;
                count -= n;
            }
            if (count >= 3) {
                codegen.push(17, count - 3);
                codegenFreq[17]++;
                count = 0;
            }
        }
        count--;
        for (; count >= 0; count--) {
            codegen.push(size);
            codegenFreq[size]++;
        }
        size = nextSize;
        count = 1;
    }
    const cgCodes: HCode[] = Array.from({ length: CODEGEN_CODE_COUNT }, () => ({ code: 0, len: 0 }));
    generate(cgCodes, codegenFreq, 7);
    let numCodegens = CODEGEN_CODE_COUNT;
    while (numCodegens > 4 && codegenFreq[CODEGEN_ORDER[numCodegens - 1]] === 0) numCodegens--;
    const header = 3 + 5 + 5 + 4 + 3 * numCodegens + bitLength(cgCodes, codegenFreq) + codegenFreq[16] * 2 + codegenFreq[17] * 3 + codegenFreq[18] * 7;
    const dynamicSize = header + bitLength(litCodes, literalFreq) + bitLength(offCodes, offsetFreq) + extraBits;

    const dynamic = dynamicSize < fixedSize;
    const best = Math.min(fixedSize, dynamicSize);
    if ((input.length + 5) * 8 < best) {
        w.writeBits(0, 3);
        w.flush();
        w.writeBits(input.length, 16);
        w.writeBits(~input.length & 0xffff, 16);
        w.writeBytes(input);
        return;
    }
    const lit = dynamic ? litCodes : fixedLit;
    const off = dynamic ? offCodes : FIXED_OFFSET_CODES;
    if (dynamic) {
        w.writeBits(4, 3);
        w.writeBits(numLiterals - 257, 5);
        w.writeBits(numOffsets - 1, 5);
        w.writeBits(numCodegens - 4, 4);
        for (let i = 0; i < numCodegens; i++) w.writeBits(cgCodes[CODEGEN_ORDER[i]].len, 3);
        for (let i = 0; i < codegen.length; i++) {
            const word = codegen[i];
            w.writeCode(cgCodes[word]);
            if (word === 16) w.writeBits(codegen[++i], 2);
            else if (word === 17) w.writeBits(codegen[++i], 3);
            else if (word === 18) w.writeBits(codegen[++i], 7);
        }
    } else {
        w.writeBits(2, 3);
    }
    for (const t of tokens) {
        if ("literal" in t) {
            w.writeCode(lit[t.literal]);
            continue;
        }
        const lc = lengthCode(t.xlength);
        w.writeCode(lit[lc + LENGTH_CODES_START]);
        if (LENGTH_EXTRA_BITS[lc] > 0) w.writeBits(t.xlength - LENGTH_BASE[lc], LENGTH_EXTRA_BITS[lc]);
        const oc = offsetCode(t.xoffset);
        w.writeCode(off[oc]);
        if (OFFSET_EXTRA_BITS[oc] > 0) w.writeBits(t.xoffset - OFFSET_BASE[oc], OFFSET_EXTRA_BITS[oc]);
    }
}

function crc32(data: Uint8Array): number {
    let crc = 0xffffffff;
    for (const byte of data) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
}

/** The bytes Go's gzip writer at BestCompression produces for `data` after Write, Flush, Close. */
export function goGzipBestCompression(data: Uint8Array): Uint8Array {
    if (data.length > MAX_INPUT) throw new Error(`goGzip: input of ${data.length} bytes; this encoder covers marker-sized input (at most ${MAX_INPUT})`);
    const w = bitWriter();
    if (data.length > 0) writeBlock(w, tokenize(data), data);
    // Flush: an empty stored block; Close: the final empty stored block
    for (const final of [0, 1]) {
        w.writeBits(final, 3);
        w.flush();
        w.writeBits(0, 16);
        w.writeBits(0xffff, 16);
    }
    w.flush();
    const body = w.bytes();
    const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255];
    const crc = crc32(data);
    const size = data.length >>> 0;
    const trailer = [crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24, size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, size >>> 24];
    return Uint8Array.from([...header, ...body, ...trailer]);
}

/**
 * Route53 hosted zone ids of AWS endpoints that can be alias targets, so users only give the
 * target's DNS name. Values are the ones AWS publishes in the General Reference ("Service
 * endpoints and quotas" for Elastic Load Balancing, Amazon S3 website endpoints and API Gateway).
 * A target that matches no row needs an explicit `hostedZoneId`.
 */

/** CloudFront distributions (and edge-optimized API Gateway domains) in every region. */
export const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";
/** Global Accelerator accelerators, for every region. */
export const GLOBAL_ACCELERATOR_ZONE_ID = "Z2BJ6XQ5FK7U4H";

/** Per-region zone ids; a missing field means AWS publishes none for that region. */
export interface RegionAliasZones {
    /** Application and Classic Load Balancers: `<lb>.<region>.elb.amazonaws.com`. */
    readonly elb: string;
    /** Network Load Balancers: `<lb>.elb.<region>.amazonaws.com`. */
    readonly nlb: string;
    /** S3 website endpoints: `s3-website-<region>.amazonaws.com` / `s3-website.<region>.amazonaws.com`. */
    readonly s3Website?: string;
    /** Regional API Gateway custom domains: `d-xxx.execute-api.<region>.amazonaws.com`. */
    readonly apiGateway?: string;
}

// prettier-ignore
export const REGION_ALIAS_ZONES: Readonly<Record<string, RegionAliasZones>> = {
    "af-south-1":     { elb: "Z268VQBMOI5EKX",        nlb: "Z203XCE67M25HM",        s3Website: "Z83WF9RJE8B12",         apiGateway: "Z2DHW2332DAMTN" },
    "ap-east-1":      { elb: "Z3DQVH9N71FHZ0",        nlb: "Z12Y7K3UBGUAD1",        s3Website: "ZNB98KWMFR0R6",         apiGateway: "Z3FD1VL90ND7K5" },
    "ap-east-2":      { elb: "Z02789141MW7T1WBU19PO", nlb: "Z09176273OC2HWIAUNYW" },
    "ap-northeast-1": { elb: "Z14GRHDCWA56QT",        nlb: "Z31USIVHYNEOWT",        s3Website: "Z2M4EHUR26P7ZW",        apiGateway: "Z1YSHQZHG15GKL" },
    "ap-northeast-2": { elb: "ZWKZPGTI48KDX",         nlb: "ZIBE1TIR4HY56",         s3Website: "Z3W03O7B5YMIYP",        apiGateway: "Z20JF4UZKIW1U8" },
    "ap-northeast-3": { elb: "Z5LXEXXYW11ES",         nlb: "Z1GWIQ4HH19I5X",        s3Website: "Z2YQB5RD63NC85",        apiGateway: "Z22ILHG95FLSZ2" },
    "ap-south-1":     { elb: "ZP97RAFLXTNZK",         nlb: "ZVDDRBQ08TROA",         s3Website: "Z11RGJOFQNVJUP",        apiGateway: "Z3VO1THU9YC4UR" },
    "ap-south-2":     { elb: "Z0173938T07WNTVAEPZN",  nlb: "Z0711778386UTO08407HT", s3Website: "Z02976202B4EZMXIPMXF7", apiGateway: "Z0853509Q1135NJ66RUH" },
    "ap-southeast-1": { elb: "Z1LMS91P8CMLE5",        nlb: "ZKVM4W9LS7TM",          s3Website: "Z3O0J2DXBE1FTB",        apiGateway: "ZL327KTPIQFUL" },
    "ap-southeast-2": { elb: "Z1GM3OXH4ZPM65",        nlb: "ZCT6FZBF4DROD",         s3Website: "Z1WCIGYICN2BYD",        apiGateway: "Z2RPCDW04V8134" },
    "ap-southeast-3": { elb: "Z08888821HLRG5A9ZRTER", nlb: "Z01971771FYVNCOVWJU1G", s3Website: "Z01846753K324LI26A3VV", apiGateway: "Z10132843TYUYSLUG4HA3" },
    "ap-southeast-4": { elb: "Z09517862IB2WZLPXG76F", nlb: "Z01156963G8MIIL7X90IV", s3Website: "Z0312387243XT5FE14WFO", apiGateway: "Z092189423Y7RJK61311D" },
    "ap-southeast-5": { elb: "Z06010284QMVVW7WO5J",   nlb: "Z026317210H9ACVTRO6FB", s3Website: "Z08660063OXLMA7F1FJHU", apiGateway: "Z0314042F0KBUTZ3X5HF" },
    "ap-southeast-6": { elb: "Z023301818UFJ50CIO0MV", nlb: "Z01392953RKV2Q3RBP0KU" },
    "ap-southeast-7": { elb: "Z0390008CMBRTHFGWBCB",  nlb: "Z054363131YWATEMWRG5L" },
    "ca-central-1":   { elb: "ZQSVJUPU6J1EY",         nlb: "Z2EPGBW3API2WT",        s3Website: "Z1QDHH18159H29",        apiGateway: "Z19DQILCV0OWEC" },
    "ca-west-1":      { elb: "Z06473681N0SF6OS049SD", nlb: "Z02754302KBB00W2LKWZ9", s3Website: "Z03565811Z33SLEZTHOUL", apiGateway: "Z04745493436AWVTG1OQY" },
    "eu-central-1":   { elb: "Z215JYRZR1TBD5",        nlb: "Z3F0SRJ5LGBH90",        s3Website: "Z21DNDUVLTQW6Q",        apiGateway: "Z1U9ULNL0V5AJ3" },
    "eu-central-2":   { elb: "Z06391101F2ZOEP8P5EB3", nlb: "Z02239872DOALSIDCX66S", s3Website: "Z030506016YDQGETNASS",  apiGateway: "Z09222482MK253X48U76H" },
    "eu-north-1":     { elb: "Z23TAZ6LKFMNIO",        nlb: "Z1UDT6IFJ4EJM",         s3Website: "Z3BAZG2TWCNX0D",        apiGateway: "Z3UWIKFBOOGXPP" },
    "eu-south-1":     { elb: "Z3ULH7SSC9OV64",        nlb: "Z23146JA1KNAFP",        s3Website: "Z30OZKI7KPW7MI",        apiGateway: "Z3BT4WSQ9TDYZV" },
    "eu-south-2":     { elb: "Z0956581394HF5D5LXGAP", nlb: "Z1011216NVTVYADP1SSV",  s3Website: "Z0081959F7139GRJC19J",  apiGateway: "Z02499852UI5HEQ5JVWX3" },
    "eu-west-1":      { elb: "Z32O12XQLNTSW2",        nlb: "Z2IFOLAFXWLO4F",        s3Website: "Z1BKCTXD74EZPE",        apiGateway: "ZLY8HYME6SFDD" },
    "eu-west-2":      { elb: "ZHURV8PSTC4K8",         nlb: "ZD4D7Y8KGAS4G",         s3Website: "Z3GKZC51ZF0DB4",        apiGateway: "ZJ5UAJN8Y3Z2Q" },
    "eu-west-3":      { elb: "Z3Q77PNBQS71R4",        nlb: "Z1CMS0P5QUZ6D5",        s3Website: "Z3R1K369G5AVDG",        apiGateway: "Z3KY65QIEKYHQQ" },
    "il-central-1":   { elb: "Z09170902867EHPV2DABU", nlb: "Z0313266YDI6ZRHTGQY4",  s3Website: "Z09640613K4A3MN55U7GU", apiGateway: "Z07264553HBI44N5X2CKP" },
    "me-central-1":   { elb: "Z08230872XQRWHG2XF6I",  nlb: "Z00282643NTTLPANJJG2P", s3Website: "Z06143092I8HRXZRUZROF", apiGateway: "Z08780021BKYYY8U0YHTV" },
    "me-south-1":     { elb: "ZS929ML54UICD",         nlb: "Z3QSRYVP46NYYV",        s3Website: "Z1MPMWCPA7YB62",        apiGateway: "Z20ZBPC0SS8806" },
    "mx-central-1":   { elb: "Z023552324OKD1BB28BH5", nlb: "Z02031231H3ID6HYJ9A7U" },
    "sa-east-1":      { elb: "Z2P70J7HTTTPLU",        nlb: "ZTK26PT1VY4CU",         s3Website: "Z7KQH4QJS55SO",         apiGateway: "ZCMLWB8V5SYIT" },
    "us-east-1":      { elb: "Z35SXDOTRQ7X7K",        nlb: "Z26RNL4JYFTOTI",        s3Website: "Z3AQBSTGFYJSTF",        apiGateway: "Z1UJRXOUMOOFQ8" },
    "us-east-2":      { elb: "Z3AADJGX6KTTL2",        nlb: "ZLMOA37VPKANP",         s3Website: "Z2O1EMRO9K5GLX",        apiGateway: "ZOJJZC49E0EPZ" },
    "us-west-1":      { elb: "Z368ELLRRE2KJ0",        nlb: "Z24FKFUX50B4VW",        s3Website: "Z2F56UZL2M1ACD",        apiGateway: "Z2MUQ32089INYE" },
    "us-west-2":      { elb: "Z1H1FL5HABSF5",         nlb: "Z18D5FSROUN65G",        s3Website: "Z3BJ6K6RIION7M",        apiGateway: "Z2OJLYMUO9EFXC" },
    // Outside the commercial partition; listed because the endpoint names are unambiguous.
    "cn-north-1":     { elb: "Z1GDH35T77C1KE",        nlb: "Z3QFB96KMJ7ED6",        s3Website: "Z5CN8UMXT92WN" },
    "cn-northwest-1": { elb: "ZM7IZAIOVVDZF",         nlb: "ZQEIKTCZ8352D",         s3Website: "Z282HJ1KT0DH03" },
    "us-gov-east-1":  { elb: "Z166TLBEWOO7G0",        nlb: "Z1ZSMQQ6Q24QQ8",        s3Website: "Z2NIFVYYW2VKV1",        apiGateway: "Z3SE9ATJYCRCZJ" },
    "us-gov-west-1":  { elb: "Z33AYJ8TM3BH4J",        nlb: "ZMG1MZ2THAWF1",         s3Website: "Z31GFT0UA1I2HV",        apiGateway: "Z1K6XKP9SAGWDV" },
};

/** What an alias target was recognised as. */
export interface InferredAliasZone {
    readonly service: "cloudfront" | "global-accelerator" | "elb" | "nlb" | "s3-website" | "api-gateway";
    readonly region?: string;
    /** Undefined when the service is recognised but AWS publishes no zone for `region`. */
    readonly hostedZoneId?: string;
}

const REGIONAL_PATTERNS: ReadonlyArray<{ readonly service: InferredAliasZone["service"]; readonly field: keyof RegionAliasZones; readonly pattern: RegExp }> = [
    // <lb>.<region>.elb.amazonaws.com, optionally "dualstack." or "internal-" in front
    { service: "elb", field: "elb", pattern: /\.([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.elb\.amazonaws\.com(?:\.cn)?$/ },
    // <lb>-<hash>.elb.<region>.amazonaws.com
    { service: "nlb", field: "nlb", pattern: /\.elb\.([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.amazonaws\.com(?:\.cn)?$/ },
    // [<bucket>.]s3-website-<region>.amazonaws.com or [<bucket>.]s3-website.<region>.amazonaws.com
    { service: "s3-website", field: "s3Website", pattern: /(?:^|\.)s3-website[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.amazonaws\.com(?:\.cn)?$/ },
    // d-<id>.execute-api.<region>.amazonaws.com
    { service: "api-gateway", field: "apiGateway", pattern: /\.execute-api\.([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.amazonaws\.com(?:\.cn)?$/ },
];

/**
 * Recognises an AWS endpoint from its DNS name (case-insensitive, trailing dot optional).
 * Returns undefined for names that are not a known AWS endpoint.
 */
export function inferAliasZone(dnsName: string): InferredAliasZone | undefined {
    const name = dnsName.toLowerCase().replace(/\.$/, "");
    if (name.endsWith(".cloudfront.net")) {
        return { service: "cloudfront", hostedZoneId: CLOUDFRONT_ZONE_ID };
    }
    if (name.endsWith(".awsglobalaccelerator.com")) {
        return { service: "global-accelerator", hostedZoneId: GLOBAL_ACCELERATOR_ZONE_ID };
    }
    for (const { service, field, pattern } of REGIONAL_PATTERNS) {
        const match = pattern.exec(name);
        if (match) {
            const region = match[1];
            return { service, region, hostedZoneId: REGION_ALIAS_ZONES[region]?.[field] };
        }
    }
    return undefined;
}

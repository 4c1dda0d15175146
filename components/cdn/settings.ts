// The CDN's slice of the stack config: the custom domain (or none), price class and viewer TLS policy.
// Pure; every rule ACM, Route 53 or CloudFront would enforce is checked here, with its source.
import { ConfigReader } from "../../lib/config-reader";
import { defaultStaticDomainName } from "../../lib/naming";

export const CDN_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type CdnPriceClass = (typeof CDN_PRICE_CLASSES)[number];

// CloudFront security policies of TLSv1.2_2021 or newer (Security Hub CloudFront.15); older ones are refused.
export const CDN_TLS_POLICIES = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] as const;
export type CdnTlsPolicy = (typeof CDN_TLS_POLICIES)[number];

export interface CustomDomain {
    /** The public Route 53 zone that holds the validation and alias records. */
    readonly hostedZoneName: string;
    /** The static files' name, inside hostedZoneName: the certificate's domain and the distribution's alias. */
    readonly domainName: string;
}

export interface CdnConfig {
    /** Absent: no certificate, no DNS records; files are served at the distribution's *.cloudfront.net name. */
    readonly customDomain?: CustomDomain;
    readonly priceClass: CdnPriceClass;
    /** Applies with a custom domain only: with CloudFront's default certificate AWS fixes it at TLSv1. */
    readonly minimumTlsVersion: CdnTlsPolicy;
}

// RFC 1035 host names as Route 53 and ACM accept them: labels of 1-63 letters, digits and hyphens, not
// starting or ending with a hyphen; 253 characters in all.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_NAME = 253;
// ACM: the certificate's domain name is its Common Name, which RFC 5280 limits to 64 octets.
const MAX_CERTIFICATE_NAME = 64;

/** Every rule `name` breaks as a DNS name for Route 53 and ACM; empty when it is valid. */
export function dnsNameProblems(name: string): string[] {
    if (name.endsWith(".")) {
        return ["must not end with a dot (write example.com, not example.com.)"];
    }
    const problems: string[] = [];
    if (name !== name.toLowerCase()) {
        // Route 53 and ACM return names in lowercase; a mixed-case name would not match what they return.
        problems.push("must be lowercase");
    }
    if (name.length > MAX_NAME) {
        problems.push(`is ${name.length} characters long; a DNS name has at most ${MAX_NAME}`);
    }
    const labels = name.toLowerCase().split(".");
    if (labels.length < 2) {
        problems.push("must have at least two labels, such as example.com");
    }
    const bad = labels.filter((l) => !LABEL.test(l));
    if (bad.length > 0) {
        problems.push(
            `has ${bad.map((l) => `"${l}"`).join(", ")} as a label; each label is 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen`,
        );
    } else if (labels.length >= 2 && /^\d+$/.test(labels[labels.length - 1])) {
        problems.push("must not end with an all-numeric label (it would be an IP address, not a domain)");
    }
    return problems;
}

/** The name's problems as the certificate's domain: a DNS name of at most 64 characters. */
function certificateNameProblems(name: string): string[] {
    const problems = dnsNameProblems(name);
    if (name.length > MAX_CERTIFICATE_NAME) {
        problems.push(`is ${name.length} characters long; ACM allows ${MAX_CERTIFICATE_NAME} for a certificate's domain name (RFC 5280)`);
    }
    return problems;
}

/**
 * Reads hostedZoneName, staticDomainName, cdnPriceClass and cdnMinimumTlsVersion. `environment` must
 * already be validated by the caller (it is part of the default static name). Warnings go to `warnings`.
 */
export function readCdnConfig(r: ConfigReader, environment: string, warnings: string[]): CdnConfig {
    const priceClass = r.oneOf("cdnPriceClass", CDN_PRICE_CLASSES);
    const minimumTlsVersion = r.oneOf("cdnMinimumTlsVersion", CDN_TLS_POLICIES);
    const hostedZoneName = r.string("hostedZoneName");
    const staticDomainName = r.string("staticDomainName");

    if (!hostedZoneName) {
        if (staticDomainName) {
            r.problem(
                "staticDomainName",
                `needs membrane:hostedZoneName: the certificate's DNS validation records and the alias records go in that zone (got "${staticDomainName}")`,
            );
        } else {
            warnings.push(
                "membrane:hostedZoneName is empty: static files are served at the distribution's *.cloudfront.net name with CloudFront's default certificate, which accepts TLSv1 (membrane:cdnMinimumTlsVersion applies to a custom domain only).",
            );
        }
        return { priceClass, minimumTlsVersion };
    }

    const zoneProblems = dnsNameProblems(hostedZoneName);
    for (const rule of zoneProblems) {
        r.problem("hostedZoneName", `${rule} (got "${hostedZoneName}")`);
    }
    if (staticDomainName) {
        for (const rule of certificateNameProblems(staticDomainName)) {
            r.problem("staticDomainName", `${rule} (got "${staticDomainName}")`);
        }
        if (staticDomainName !== hostedZoneName && !staticDomainName.endsWith(`.${hostedZoneName}`)) {
            r.problem(
                "staticDomainName",
                `must be inside membrane:hostedZoneName "${hostedZoneName}": the certificate is validated with DNS records in that zone and the alias records go there (got "${staticDomainName}")`,
            );
        }
        return { customDomain: { hostedZoneName, domainName: staticDomainName }, priceClass, minimumTlsVersion };
    }

    const derived = defaultStaticDomainName(environment, hostedZoneName);
    // An invalid environment is reported on its own key; its derived name would only repeat that.
    if (zoneProblems.length === 0 && LABEL.test(environment)) {
        for (const rule of certificateNameProblems(derived)) {
            r.problem(
                "hostedZoneName",
                `makes the static domain name "${derived}", which ${rule}; set a shorter membrane:staticDomainName`,
            );
        }
    }
    return { customDomain: { hostedZoneName, domainName: derived }, priceClass, minimumTlsVersion };
}

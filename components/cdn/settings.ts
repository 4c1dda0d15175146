// Cdn's keys -> Cdn's args: the custom domain (or none), price class and viewer TLS policy, the CloudFront
// policies' names and what is adopted. Pure; every rule ACM, Route 53 or CloudFront would enforce is checked
// here, with its source.
import { ConfigReader } from "../../lib/config-reader";
import { cdnPolicyNames, defaultStaticDomainName } from "../../lib/naming";
import type { AdoptionConfig } from "../adoption-settings";
import type { Stack } from "../stack-settings";
import { CDN_PRICE_CLASSES, CDN_TLS_POLICIES, CdnArgs } from "./cdn";

/** Cdn's args but the static bucket, which Storage gives it. */
export type CdnSettings = Omit<CdnArgs, "origin">;

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
 * Reads hostedZoneName, staticDomainName, cdnPriceClass and cdnMinimumTlsVersion, and checks the names derived
 * from the stack; `adoption` names the distribution and origin access control to adopt.
 */
export function readCdn(
    r: ConfigReader,
    stack: Stack,
    adoption: Pick<AdoptionConfig, "buckets" | "cloudfrontDistributionId" | "cloudfrontOacId">,
): CdnSettings {
    const priceClass = r.oneOf("cdnPriceClass", CDN_PRICE_CLASSES);
    const minimumTlsVersion = r.oneOf("cdnMinimumTlsVersion", CDN_TLS_POLICIES);
    const customDomain = readCustomDomain(r, stack.environment);
    if (adoption.buckets.static && !adoption.cloudfrontDistributionId && customDomain) {
        // CloudFront gives an alternate name to one distribution in all of AWS; the error comes after the
        // certificate is issued, with the buckets already adopted.
        r.warn(
            `membrane:existingStaticBucket adopts the static bucket but membrane:existingCloudfrontDistributionId is empty, so a new distribution is created for ${customDomain.domainName}. If the install's distribution still serves that name, CloudFront refuses the new one (CNAMEAlreadyExists): adopt it with membrane:existingCloudfrontDistributionId, or remove the name from it first.`,
        );
    }
    checkPolicyNames(r, stack);
    return {
        environment: stack.environment,
        namePrefix: stack.namePrefix,
        customDomain,
        priceClass,
        minimumTlsVersion,
        nameSuffix: stack.nameSuffix,
        existing: { distributionId: adoption.cloudfrontDistributionId, originAccessControlId: adoption.cloudfrontOacId },
    };
}

// CloudFront: an origin access control's name has at most 64 characters.
const OAC_NAME_MAX = 64;

function checkPolicyNames(r: ConfigReader, { namePrefix, environment, nameSuffix }: Stack): void {
    const oac = cdnPolicyNames(namePrefix, environment, nameSuffix).oac;
    if (environment && oac.length > OAC_NAME_MAX) {
        r.problem(
            nameSuffix
                ? "membrane:namePrefix, membrane:environment and membrane:regionInNames"
                : "membrane:namePrefix and membrane:environment",
            `make the CloudFront origin access control name "${oac}", ${oac.length} characters long; CloudFront allows ${OAC_NAME_MAX}`,
        );
    }
}

/** The custom domain, or none; `environment` is part of the default static name. */
function readCustomDomain(r: ConfigReader, environment: string): { hostedZoneName: string; domainName: string } | undefined {
    const hostedZoneName = r.string("hostedZoneName");
    const staticDomainName = r.string("staticDomainName");

    if (!hostedZoneName) {
        if (staticDomainName) {
            r.problem(
                "staticDomainName",
                `needs membrane:hostedZoneName: the certificate's DNS validation records and the alias records go in that zone (got "${staticDomainName}")`,
            );
        } else {
            r.warn(
                "membrane:hostedZoneName is empty: static files are served at the distribution's *.cloudfront.net name with CloudFront's default certificate, which accepts TLSv1 (membrane:cdnMinimumTlsVersion applies to a custom domain only).",
            );
        }
        return undefined;
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
        return { hostedZoneName, domainName: staticDomainName };
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
    return { hostedZoneName, domainName: derived };
}

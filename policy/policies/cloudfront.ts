import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, onTypes } from "../lib/tokens";
import { isSet, readKnown } from "../lib/unknown";

interface CacheBehavior {
    pathPattern?: string;
    viewerProtocolPolicy?: string;
}

interface DistributionOrigin {
    originId?: string;
    domainName?: string;
    originAccessControlId?: string;
    s3OriginConfig?: { originAccessIdentity?: string };
}

interface DistributionProps {
    defaultCacheBehavior?: CacheBehavior;
    orderedCacheBehaviors?: CacheBehavior[];
    origins?: DistributionOrigin[];
    viewerCertificate?: {
        acmCertificateArn?: string;
        iamCertificateId?: string;
        cloudfrontDefaultCertificate?: boolean;
        minimumProtocolVersion?: string;
    };
}

const HTTPS_VIEWER_POLICIES = ["redirect-to-https", "https-only"];

export const cloudFrontHttpsOnly: ResourceValidationPolicy = {
    name: "cloudfront-https-only",
    description: "CloudFront cache behaviors must make viewers use HTTPS (Security Hub CloudFront.3).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<DistributionProps>(TYPES.distribution, (props, _args, reportViolation) => {
        const behaviors: Array<[string, CacheBehavior | undefined]> = [
            ["defaultCacheBehavior", props.defaultCacheBehavior],
            ...(props.orderedCacheBehaviors ?? []).map((b, i): [string, CacheBehavior] => [
                `orderedCacheBehaviors[${i}] (${b.pathPattern})`,
                b,
            ]),
        ];
        for (const [where, behavior] of behaviors) {
            const policy = behavior?.viewerProtocolPolicy;
            if (policy === undefined || !HTTPS_VIEWER_POLICIES.includes(policy)) {
                reportViolation(
                    `${where} has viewerProtocolPolicy ${JSON.stringify(policy)}. Set it to "redirect-to-https" ` + '(or "https-only").',
                );
            }
        }
    }),
};

export const DEFAULT_MINIMUM_PROTOCOL_VERSIONS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

interface ModernTlsConfig {
    allowedMinimumProtocolVersions?: string[];
}

export const cloudFrontModernTls: ResourceValidationPolicy = {
    name: "cloudfront-modern-tls",
    description: "CloudFront distributions with a custom certificate must require TLS 1.2 or newer (Security Hub CloudFront.7/8/15).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedMinimumProtocolVersions: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_MINIMUM_PROTOCOL_VERSIONS,
                description: "CloudFront security policies accepted as minimumProtocolVersion.",
            },
        },
    },
    validateResource: onTypes<DistributionProps>(TYPES.distribution, (props, args, reportViolation) => {
        const certificate = props.viewerCertificate;
        const customCertificate = isSet(() => certificate?.acmCertificateArn) || isSet(() => certificate?.iamCertificateId);
        // With the default *.cloudfront.net certificate AWS fixes the policy at TLSv1; nothing to choose.
        if (!customCertificate) {
            return;
        }
        const allowed = args.getConfig<ModernTlsConfig>().allowedMinimumProtocolVersions ?? DEFAULT_MINIMUM_PROTOCOL_VERSIONS;
        const version = certificate?.minimumProtocolVersion;
        if (version === undefined || !allowed.includes(version)) {
            reportViolation(
                `viewerCertificate.minimumProtocolVersion is ${JSON.stringify(version)}. Set it to one of ` +
                    `${allowed.join(", ")} (with sslSupportMethod "sni-only").`,
            );
        }
    }),
};

const isS3RestDomain = (domain: string) => {
    const lower = domain.toLowerCase();
    return lower.includes(".s3.") || lower.endsWith(".s3.amazonaws.com");
};

/** Whether an origin is an S3 bucket; when its domain is unknown at preview, judged by its S3 settings. */
function isS3Origin(origin: DistributionOrigin): boolean {
    const domain = readKnown(() => origin.domainName);
    if (typeof domain === "string") {
        return isS3RestDomain(domain);
    }
    return isSet(() => origin.originAccessControlId) || isSet(() => origin.s3OriginConfig);
}

export const cloudFrontOriginAccessControl: ResourceValidationPolicy = {
    name: "cloudfront-origin-access-control",
    description:
        "CloudFront must read S3 origins through origin access control, not an origin access identity (Security Hub CloudFront.13).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<DistributionProps>(TYPES.distribution, (props, _args, reportViolation) => {
        for (const origin of (props.origins ?? []).filter(isS3Origin)) {
            const where = `S3 origin ${JSON.stringify(origin.originId)}`;
            if (!isSet(() => origin.originAccessControlId)) {
                reportViolation(
                    `${where} has no originAccessControlId. Create an aws.cloudfront.OriginAccessControl ` +
                        '(signingBehavior "always", signingProtocol "sigv4") and set originAccessControlId.',
                );
            }
            if (isSet(() => origin.s3OriginConfig?.originAccessIdentity)) {
                reportViolation(
                    `${where} uses an origin access identity (s3OriginConfig.originAccessIdentity). Remove it and ` +
                        "grant cloudfront.amazonaws.com read access in the bucket policy, conditioned on AWS:SourceArn.",
                );
            }
        }
    }),
};

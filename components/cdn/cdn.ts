// Cdn: the static files over HTTPS (seed: "CloudFront Distribution"). A CloudFront distribution that
// reads the static bucket through origin access control, the bucket's one policy, and, with a custom
// domain, an ACM certificate in us-east-1 validated through Route 53 and the A/AAAA alias records.
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../../lib/policy-document";
import { IMPORT_IDS, settle } from "../adoption";
import { reviewDistribution, reviewOriginAccessControl } from "./adoption";
import { lookup, missingAdoptedMessage, missingZoneMessage, warnAll } from "../../lib/lookups";
import { cdnPolicyNames, childName, tags } from "../../lib/naming";
import { denyInsecureTransportStatement } from "../../lib/bucket";

/** A name of one's own for the static files. */
export interface CdnDomainArgs {
    /** The public Route 53 zone that holds the certificate's validation record and the alias records. */
    readonly hostedZoneName: pulumi.Input<string>;
    /** The name the files are served at, inside the zone: the certificate's domain and the distribution's alias. */
    readonly domainName: pulumi.Input<string>;
}

export const CDN_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type CdnPriceClass = (typeof CDN_PRICE_CLASSES)[number];

// CloudFront security policies of TLSv1.2_2021 or newer (Security Hub CloudFront.15); older ones are refused.
export const CDN_TLS_POLICIES = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] as const;
export type CdnTlsPolicy = (typeof CDN_TLS_POLICIES)[number];

/** The static bucket the distribution reads, whose one policy Cdn writes. */
export interface StaticOrigin {
    /** The static bucket's name. */
    readonly bucketName: pulumi.Input<string>;
    /** The static bucket's ARN. */
    readonly bucketArn: pulumi.Input<string>;
    /** The static bucket's regional domain name: the distribution's origin. */
    readonly regionalDomainName: pulumi.Input<string>;
    /** The static bucket's public access block, when the same program manages it: the bucket policy waits for it, as S3 requires. */
    readonly publicAccessBlock?: pulumi.Resource;
    /** Origins allowed cross-origin: the same list as the bucket's CORS rule. */
    readonly corsAllowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
}

export interface CdnArgs {
    /** Environment name, for tags and the CloudFront policies' names. */
    readonly environment: string;
    /** Goes before the environment in the CloudFront policies' names, which are unique per account. Default "". */
    readonly namePrefix?: string;
    /** The static bucket. */
    readonly origin: StaticOrigin;
    /** Absent: the distribution's *.cloudfront.net name and CloudFront's default certificate. */
    readonly customDomain?: CdnDomainArgs;
    /** CloudFront price class. */
    readonly priceClass: CdnPriceClass;
    /** Minimum viewer TLS policy with a custom domain (CloudFront fixes TLSv1 for its default certificate). */
    readonly minimumTlsVersion: CdnTlsPolicy;
    /** Goes after the CloudFront policies' names (`-<region>` with membrane:regionInNames). Default "". */
    readonly nameSuffix?: string;
    /** Existing CloudFront resources to adopt (Pulumi's `import` option, after a look-up) instead of creating them. */
    readonly existing?: { readonly distributionId?: string; readonly originAccessControlId?: string };
}

const OAC_DESCRIPTION = "OAC for static S3 bucket";

/** CloudFront certificates must live in us-east-1, whatever the stack's region. */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";

// AWS-managed origin request policy "Managed-CORS-S3Origin": forwards Origin,
// Access-Control-Request-Method and Access-Control-Request-Headers, the seed's forwarded headers.
export const MANAGED_CORS_S3_ORIGIN_REQUEST_POLICY_ID = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";

export const CORS_REQUEST_HEADERS = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"];

/** The seed's TTLs: min 0, default 1 day, max 1 year. */
export const CACHE_TTLS = { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 } as const;

/** The static bucket's one policy: CloudFront (this distribution only) reads objects; nothing without TLS. */
export function staticBucketPolicy(bucketArn: string, distributionArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowCloudFrontOAC",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `${bucketArn}/*`,
                Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
            },
            denyInsecureTransportStatement(bucketArn),
        ],
    };
}

/** The custom domain and the id of the zone it is in. */
interface DomainInZone {
    readonly domainName: pulumi.Input<string>;
    readonly zoneId: pulumi.Output<string>;
}

interface DistributionPolicies {
    readonly oac: aws.cloudfront.OriginAccessControl;
    readonly cache: aws.cloudfront.CachePolicy;
    readonly headers: aws.cloudfront.ResponseHeadersPolicy;
}

export class Cdn extends pulumi.ComponentResource {
    readonly distributionId: pulumi.Output<string>;
    readonly distributionArn: pulumi.Output<string>;
    /** The distribution's *.cloudfront.net name. */
    readonly distributionDomainName: pulumi.Output<string>;
    /** `https://<distribution domain name>`. */
    readonly staticCdnUrl: pulumi.Output<string>;
    /** `https://<static domain>` with a custom domain; undefined without one (never a URL that does not resolve). */
    readonly customDomainUrl?: pulumi.Output<string>;
    /** Membrane's BASE_STATIC_URI: the custom-domain URL when there is one, otherwise the CloudFront URL. */
    readonly baseStaticUri: pulumi.Output<string>;

    constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:cdn:Cdn", name, {}, opts);
        const policyNames = cdnPolicyNames(args.namePrefix ?? "", args.environment, args.nameSuffix);
        const domain = args.customDomain;
        const zone: DomainInZone | undefined = domain && { domainName: domain.domainName, zoneId: this.zoneId(domain.hostedZoneName) };

        const certificateArn = zone && this.validatedCertificate(name, args.environment, zone);
        const policies = this.policies(name, policyNames, args);
        const distribution = this.distribution(name, args, policies, certificateArn);
        this.staticBucketPolicy(name, args, distribution);

        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.distributionDomainName = distribution.domainName;
        this.staticCdnUrl = pulumi.interpolate`https://${distribution.domainName}`;
        this.customDomainUrl = zone && this.aliasRecords(name, zone, distribution, args.existing?.distributionId !== undefined);
        this.baseStaticUri = this.customDomainUrl ?? this.staticCdnUrl;
        this.registerOutputs({
            distributionId: this.distributionId,
            distributionArn: this.distributionArn,
            distributionDomainName: this.distributionDomainName,
            staticCdnUrl: this.staticCdnUrl,
            customDomainUrl: this.customDomainUrl,
            baseStaticUri: this.baseStaticUri,
        });
    }

    /** The public zone's id; a zone the account does not hold stops the preview, naming membrane:hostedZoneName. */
    private zoneId(hostedZoneName: pulumi.Input<string>): pulumi.Output<string> {
        return pulumi
            .output(hostedZoneName)
            .apply((name) =>
                lookup(aws.route53.getZone({ name, privateZone: false }, { parent: this }), (reason) => missingZoneMessage(name, reason)),
            ).zoneId;
    }

    /**
     * The ACM certificate in us-east-1, its DNS validation record, and the validation. Returns the
     * validation's certificate ARN: CloudFront refuses a certificate that is not issued yet.
     */
    private validatedCertificate(name: string, environment: string, { domainName, zoneId }: DomainInZone): pulumi.Output<string> {
        const opt = { parent: this };
        const certificate = new aws.acm.Certificate(
            childName(name, "certificate"),
            { region: CLOUDFRONT_CERTIFICATE_REGION, domainName, validationMethod: "DNS", tags: tags(environment) },
            opt,
        );
        // One domain, no alternative names: exactly one validation option, picked by name. A single
        // record with a fixed logical name works at preview, when the options are still unknown (the
        // seed's for_each over them would need them known).
        const option = pulumi.all([certificate.domainValidationOptions, domainName]).apply(([options, domain]) => {
            const found = options.find((o) => o.domainName === domain);
            if (!found) {
                throw new Error(`ACM returned no DNS validation option for ${domain}`);
            }
            return found;
        });
        const record = new aws.route53.Record(
            childName(name, "certificate-validation-record"),
            {
                zoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 60,
                // ACM gives the same record to every certificate for this name: a re-created certificate reuses it.
                allowOverwrite: true,
            },
            opt,
        );
        const validation = new aws.acm.CertificateValidation(
            childName(name, "certificate-validation"),
            { region: CLOUDFRONT_CERTIFICATE_REGION, certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
            opt,
        );
        return validation.certificateArn;
    }

    /**
     * Origin access control, cache policy and response headers policy, named `<prefix><environment>-static-…`
     * and the suffix (names are unique in the account). An adopted origin access control keeps its name.
     */
    private policies(name: string, names: { oac: string; cache: string; headers: string }, args: CdnArgs): DistributionPolicies {
        const opt = { parent: this };
        const oacName = names.oac;
        const oacId = args.existing?.originAccessControlId;
        const oac = new aws.cloudfront.OriginAccessControl(
            childName(name, "oac"),
            {
                name: oacId ? this.adoptedOacName(oacId, oacName) : oacName,
                description: OAC_DESCRIPTION,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            { ...opt, protect: oacId !== undefined, import: oacId && IMPORT_IDS.originAccessControl(oacId) },
        );
        // Replaces the seed's deprecated forwarded_values: a header in forwarded_values was also part of
        // the cache key, so the CORS request headers go in the cache key here too (a response for one
        // Origin must not be served to another).
        const cache = new aws.cloudfront.CachePolicy(
            childName(name, "cache"),
            {
                name: names.cache,
                comment: "Membrane static files: seed TTLs, CORS request headers in the cache key",
                ...CACHE_TTLS,
                parametersInCacheKeyAndForwardedToOrigin: {
                    cookiesConfig: { cookieBehavior: "none" },
                    queryStringsConfig: { queryStringBehavior: "none" },
                    headersConfig: { headerBehavior: "whitelist", headers: { items: CORS_REQUEST_HEADERS } },
                    enableAcceptEncodingGzip: true,
                    enableAcceptEncodingBrotli: true,
                },
            },
            opt,
        );
        return { oac, cache, headers: this.responseHeadersPolicy(name, names.headers, args.origin.corsAllowedOrigins) };
    }

    /** The adopted origin access control's own name, kept after the review. */
    private adoptedOacName(id: string, stackName: string): pulumi.Output<string> {
        const found = lookup(aws.cloudfront.getOriginAccessControl({ id }, { parent: this }), (reason) =>
            missingAdoptedMessage("existingCloudfrontOacId", `the CloudFront origin access control ${id}`, reason),
        );
        return pulumi.output(
            found.then((e) => {
                warnAll(settle(reviewOriginAccessControl(e, { name: stackName, description: OAC_DESCRIPTION })), this);
                return e.name || stackName;
            }),
        );
    }

    /** The adopted distribution's id, after the review: everything of it changes in place. */
    private adoptedDistribution(id: string, aliases: pulumi.Input<string>[]): pulumi.Output<string> {
        const found = lookup(aws.cloudfront.getDistribution({ id }, { parent: this }), (reason) =>
            missingAdoptedMessage("existingCloudfrontDistributionId", `the CloudFront distribution ${id}`, reason),
        );
        return pulumi.all([found, pulumi.output(aliases)]).apply(([e, wanted]) => {
            warnAll(settle(reviewDistribution(e, { aliases: wanted })), this);
            return id;
        });
    }

    /** Security headers, and CORS as the bucket's own rule. */
    private responseHeadersPolicy(
        name: string,
        policyName: string,
        origins: pulumi.Input<pulumi.Input<string>[]>,
    ): aws.cloudfront.ResponseHeadersPolicy {
        return new aws.cloudfront.ResponseHeadersPolicy(
            childName(name, "headers"),
            {
                name: policyName,
                comment: "Membrane static files: security headers; CORS as the bucket's rule",
                securityHeadersConfig: {
                    strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: true, override: true },
                    contentTypeOptions: { override: true },
                    frameOptions: { frameOption: "DENY", override: true },
                    referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
                },
                // The bucket's CORS rule answers first (originOverride false); CloudFront fills in the same
                // values only when the origin sent none.
                corsConfig: {
                    accessControlAllowCredentials: false,
                    accessControlAllowHeaders: { items: ["*"] },
                    accessControlAllowMethods: { items: ["GET", "HEAD"] },
                    accessControlAllowOrigins: { items: origins },
                    accessControlExposeHeaders: { items: ["ETag"] },
                    accessControlMaxAgeSec: 3600,
                    originOverride: false,
                },
            },
            { parent: this },
        );
    }

    /** The distribution in front of the static bucket; with the validated certificate when there is a custom domain. */
    private distribution(
        name: string,
        args: CdnArgs,
        policies: DistributionPolicies,
        certificateArn: pulumi.Output<string> | undefined,
    ): aws.cloudfront.Distribution {
        const originId = pulumi.interpolate`S3-${args.origin.bucketName}`;
        const existingId = args.existing?.distributionId;
        const aliases = args.customDomain ? [args.customDomain.domainName] : [];
        // An adopted distribution is registered once its review is settled: its comment carries the wait.
        const comment = existingId
            ? this.adoptedDistribution(existingId, aliases).apply(() => "Membrane static files CDN")
            : "Membrane static files CDN";
        return new aws.cloudfront.Distribution(
            childName(name, "distribution"),
            {
                enabled: true,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                comment,
                defaultRootObject: "index.html",
                priceClass: args.priceClass,
                aliases: args.customDomain && [args.customDomain.domainName],
                origins: [{ domainName: args.origin.regionalDomainName, originId, originAccessControlId: policies.oac.id }],
                defaultCacheBehavior: {
                    allowedMethods: ["GET", "HEAD", "OPTIONS"],
                    cachedMethods: ["GET", "HEAD", "OPTIONS"],
                    targetOriginId: originId,
                    viewerProtocolPolicy: "redirect-to-https",
                    compress: true,
                    cachePolicyId: policies.cache.id,
                    originRequestPolicyId: MANAGED_CORS_S3_ORIGIN_REQUEST_POLICY_ID,
                    responseHeadersPolicyId: policies.headers.id,
                },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                // With the default certificate AWS sets TLSv1 whatever is asked; asking for it avoids a perpetual diff.
                viewerCertificate: certificateArn
                    ? { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: args.minimumTlsVersion }
                    : { cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1" },
                tags: tags(args.environment),
            },
            { parent: this, protect: existingId !== undefined, import: existingId && IMPORT_IDS.distribution(existingId) },
        );
    }

    /** The static bucket's one policy: this distribution reads objects, nothing without TLS. */
    private staticBucketPolicy(name: string, args: CdnArgs, distribution: aws.cloudfront.Distribution): aws.s3.BucketPolicy {
        return new aws.s3.BucketPolicy(
            childName(name, "static-policy"),
            {
                bucket: args.origin.bucketName,
                policy: pulumi
                    .all([args.origin.bucketArn, distribution.arn])
                    .apply(([bucketArn, distributionArn]) => JSON.stringify(staticBucketPolicy(bucketArn, distributionArn))),
            },
            // S3 answers OperationAborted when a policy and the public access block change at once.
            { parent: this, dependsOn: args.origin.publicAccessBlock && [args.origin.publicAccessBlock] },
        );
    }

    /** A and AAAA aliases of the static name to the distribution; returns `https://<static name>`. */
    private aliasRecords(
        name: string,
        { domainName, zoneId }: DomainInZone,
        distribution: aws.cloudfront.Distribution,
        overwrite: boolean,
    ): pulumi.Output<string> {
        const [a] = (["A", "AAAA"] as const).map(
            (type) =>
                new aws.route53.Record(
                    childName(name, `static-${type.toLowerCase()}`),
                    {
                        zoneId,
                        name: domainName,
                        type,
                        aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
                        // An adopted distribution's name usually has its record already: take it over (UPSERT).
                        ...(overwrite && { allowOverwrite: true }),
                    },
                    { parent: this },
                ),
        );
        // Through the record, so whoever reads the URL waits until the name resolves.
        return pulumi.interpolate`https://${a.name}`;
    }
}

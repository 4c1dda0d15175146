// Cdn: the static files over HTTPS (seed: "CloudFront Distribution"). A CloudFront distribution that
// reads the static bucket through origin access control, the bucket's one policy, and, with a custom
// domain, an ACM certificate in us-east-1 validated through Route 53 and the A/AAAA alias records.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CdnPriceClass, CdnTlsPolicy, CustomDomain } from "./config-cdn";
import { childName, tags } from "./naming";
import { denyInsecureTransportStatement, PolicyStatement } from "./storage";

export interface CdnArgs {
    /** Environment name, for tags and names. */
    readonly environment: string;
    /** The bucket-name prefix, which also keeps the CloudFront policy names (unique per account) apart. */
    readonly namePrefix: string;
    /** The static bucket's name (Storage). */
    readonly staticBucketName: pulumi.Input<string>;
    /** The static bucket's ARN (Storage). */
    readonly staticBucketArn: pulumi.Input<string>;
    /** The static bucket's regional domain name, the distribution's origin (Storage). */
    readonly staticBucketRegionalDomainName: pulumi.Input<string>;
    /** The static bucket's public access block: S3 refuses a policy change while it changes. */
    readonly staticPublicAccessBlock: pulumi.Resource;
    /** Origins allowed cross-origin; the same list as the bucket's CORS rule. */
    readonly corsAllowedOrigins: readonly string[];
    /** The custom domain; absent = the *.cloudfront.net name and CloudFront's default certificate. */
    readonly customDomain?: CustomDomain;
    /** CloudFront price class (seed: PriceClass_100). */
    readonly priceClass: CdnPriceClass;
    /** Minimum viewer TLS policy with a custom domain (seed: TLSv1.2_2021). */
    readonly minimumTlsVersion: CdnTlsPolicy;
}

/** CloudFront certificates must live in us-east-1, whatever the stack's region. */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";

// AWS-managed origin request policy "Managed-CORS-S3Origin": forwards Origin,
// Access-Control-Request-Method and Access-Control-Request-Headers, the seed's forwarded headers.
export const MANAGED_CORS_S3_ORIGIN_REQUEST_POLICY_ID = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";

export const CORS_REQUEST_HEADERS = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"];

/** The seed's TTLs: min 0, default 1 day, max 1 year. */
export const CACHE_TTLS = { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 } as const;

/** The static bucket's one policy: CloudFront (this distribution only) reads objects; nothing without TLS. */
export function staticBucketPolicy(bucketArn: string, distributionArn: string): { Version: string; Statement: PolicyStatement[] } {
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

export class Cdn extends pulumi.ComponentResource {
    readonly distributionId: pulumi.Output<string>;
    readonly distributionArn: pulumi.Output<string>;
    /** The distribution's *.cloudfront.net name. */
    readonly distributionDomainName: pulumi.Output<string>;
    /** `https://<distribution domain name>`. */
    readonly staticCdnUrl: pulumi.Output<string>;
    /** `https://<static domain>` with a custom domain; undefined without one (never a URL that does not resolve). */
    readonly customDomainUrl: pulumi.Output<string | undefined>;
    /** Membrane's BASE_STATIC_URI: the custom-domain URL when there is one, otherwise the CloudFront URL. */
    readonly baseStaticUri: pulumi.Output<string>;

    constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super("membrane:cdn:Cdn", name, {}, opts);
        const opt = { parent: this };
        const base = `${args.namePrefix}${args.environment}-static`;
        const domain = args.customDomain;

        const zoneId = domain ? aws.route53.getZoneOutput({ name: domain.hostedZoneName, privateZone: false }, opt).zoneId : undefined;
        const validation = domain && zoneId ? this.validatedCertificate(name, args, domain, zoneId) : undefined;

        const oac = new aws.cloudfront.OriginAccessControl(
            childName(name, "oac"),
            {
                name: `${base}-oac`,
                description: "OAC for static S3 bucket",
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            opt,
        );

        // Replaces the seed's deprecated forwarded_values: a header in forwarded_values was also part of
        // the cache key, so the CORS request headers go in the cache key here too (a response for one
        // Origin must not be served to another).
        const cachePolicy = new aws.cloudfront.CachePolicy(
            childName(name, "cache"),
            {
                name: `${base}-cache`,
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

        const origins = args.corsAllowedOrigins;
        const responseHeaders = new aws.cloudfront.ResponseHeadersPolicy(
            childName(name, "headers"),
            {
                name: `${base}-headers`,
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
                    accessControlAllowOrigins: { items: [...origins] },
                    accessControlExposeHeaders: { items: ["ETag"] },
                    accessControlMaxAgeSec: 3600,
                    originOverride: false,
                },
            },
            opt,
        );

        const originId = pulumi.interpolate`S3-${args.staticBucketName}`;
        const distribution = new aws.cloudfront.Distribution(
            childName(name, "distribution"),
            {
                enabled: true,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                comment: "Membrane static files CDN",
                defaultRootObject: "index.html",
                priceClass: args.priceClass,
                aliases: domain ? [domain.domainName] : undefined,
                origins: [
                    {
                        domainName: args.staticBucketRegionalDomainName,
                        originId,
                        originAccessControlId: oac.id,
                    },
                ],
                defaultCacheBehavior: {
                    allowedMethods: ["GET", "HEAD", "OPTIONS"],
                    cachedMethods: ["GET", "HEAD", "OPTIONS"],
                    targetOriginId: originId,
                    viewerProtocolPolicy: "redirect-to-https",
                    compress: true,
                    cachePolicyId: cachePolicy.id,
                    originRequestPolicyId: MANAGED_CORS_S3_ORIGIN_REQUEST_POLICY_ID,
                    responseHeadersPolicyId: responseHeaders.id,
                },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: validation
                    ? {
                          // The validation's ARN, not the certificate's: CloudFront refuses a certificate that is not issued yet.
                          acmCertificateArn: validation.certificateArn,
                          sslSupportMethod: "sni-only",
                          minimumProtocolVersion: args.minimumTlsVersion,
                      }
                    : {
                          cloudfrontDefaultCertificate: true,
                          // AWS sets TLSv1 with the default certificate whatever is asked; asking for it avoids a perpetual diff.
                          minimumProtocolVersion: "TLSv1",
                      },
                tags: tags(args.environment),
            },
            opt,
        );

        new aws.s3.BucketPolicy(
            childName(name, "static-policy"),
            {
                bucket: args.staticBucketName,
                policy: pulumi
                    .all([args.staticBucketArn, distribution.arn])
                    .apply(([bucketArn, distributionArn]) => JSON.stringify(staticBucketPolicy(bucketArn, distributionArn))),
            },
            // S3 answers OperationAborted when a policy and the public access block change at once.
            { parent: this, dependsOn: [args.staticPublicAccessBlock] },
        );

        let customDomainUrl: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (domain && zoneId) {
            const [a] = (["A", "AAAA"] as const).map(
                (type) =>
                    new aws.route53.Record(
                        childName(name, `static-${type.toLowerCase()}`),
                        {
                            zoneId,
                            name: domain.domainName,
                            type,
                            aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
                        },
                        opt,
                    ),
            );
            // Through the record, so whoever reads the URL waits until the name resolves.
            customDomainUrl = pulumi.interpolate`https://${a.name}`;
        }

        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.distributionDomainName = distribution.domainName;
        this.staticCdnUrl = pulumi.interpolate`https://${distribution.domainName}`;
        this.customDomainUrl = customDomainUrl;
        this.baseStaticUri = pulumi.all([this.customDomainUrl, this.staticCdnUrl]).apply(([custom, cdn]) => custom ?? cdn);
        this.registerOutputs({
            distributionId: this.distributionId,
            distributionArn: this.distributionArn,
            distributionDomainName: this.distributionDomainName,
            staticCdnUrl: this.staticCdnUrl,
            customDomainUrl: this.customDomainUrl,
            baseStaticUri: this.baseStaticUri,
        });
    }

    /** The ACM certificate in us-east-1, its DNS validation record, and the validation CloudFront waits for. */
    private validatedCertificate(
        name: string,
        args: CdnArgs,
        domain: CustomDomain,
        zoneId: pulumi.Output<string>,
    ): aws.acm.CertificateValidation {
        const opt = { parent: this };
        const certificate = new aws.acm.Certificate(
            childName(name, "certificate"),
            {
                region: CLOUDFRONT_CERTIFICATE_REGION,
                domainName: domain.domainName,
                validationMethod: "DNS",
                tags: tags(args.environment),
            },
            opt,
        );
        // One domain, no alternative names: exactly one validation option, picked by name. A single
        // record with a fixed logical name works at preview, when the options are still unknown (the
        // seed's for_each over them would need them known).
        const option = certificate.domainValidationOptions.apply((options) => {
            const found = options.find((o) => o.domainName === domain.domainName);
            if (!found) {
                throw new Error(`ACM returned no DNS validation option for ${domain.domainName}`);
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
        return new aws.acm.CertificateValidation(
            childName(name, "certificate-validation"),
            {
                region: CLOUDFRONT_CERTIFICATE_REGION,
                certificateArn: certificate.arn,
                validationRecordFqdns: [record.fqdn],
            },
            opt,
        );
    }
}

import { expect } from "chai";
import { TYPES } from "../lib/tokens";
import { cloudFrontHttpsOnly, cloudFrontModernTls, cloudFrontOriginAccessControl } from "../policies/cloudfront";
import { FakeResource, UNKNOWN_STRING, checkResource, messagesOf } from "./harness";

const STATIC_DOMAIN = "acme-prod-integration-app-static.s3.us-east-1.amazonaws.com";

interface DistributionOverrides {
    defaultCacheBehavior?: Record<string, unknown>;
    orderedCacheBehaviors?: Array<Record<string, unknown>>;
    origins?: Array<Record<string, unknown>>;
    viewerCertificate?: Record<string, unknown>;
}

const s3Origin = (overrides: Record<string, unknown> = {}) => ({
    originId: "static",
    domainName: STATIC_DOMAIN,
    originAccessControlId: "E2OACEXAMPLE",
    ...overrides,
});

const distribution = (overrides: DistributionOverrides = {}): FakeResource => ({
    type: TYPES.distribution,
    props: {
        enabled: true,
        defaultRootObject: "index.html",
        aliases: ["static.example.com"],
        origins: [s3Origin()],
        defaultCacheBehavior: {
            targetOriginId: "static",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
        },
        orderedCacheBehaviors: [{ pathPattern: "/assets/*", targetOriginId: "static", viewerProtocolPolicy: "https-only" }],
        viewerCertificate: {
            acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        ...overrides,
    },
});

describe("cloudfront-https-only", () => {
    it("passes when every behavior redirects or requires HTTPS", () => {
        expect(checkResource(cloudFrontHttpsOnly, distribution())).to.deep.equal({ violations: [] });
    });

    it("fails when the default behavior allows all", () => {
        const outcome = checkResource(
            cloudFrontHttpsOnly,
            distribution({
                defaultCacheBehavior: { targetOriginId: "static", viewerProtocolPolicy: "allow-all" },
            }),
        );
        expect(messagesOf(outcome)).to.deep.equal([
            'defaultCacheBehavior has viewerProtocolPolicy "allow-all". Set it to "redirect-to-https" (or "https-only").',
        ]);
    });

    it("fails, naming the path, when an ordered behavior allows all", () => {
        const outcome = checkResource(
            cloudFrontHttpsOnly,
            distribution({
                orderedCacheBehaviors: [
                    { pathPattern: "/assets/*", viewerProtocolPolicy: "https-only" },
                    { pathPattern: "/legacy/*", viewerProtocolPolicy: "allow-all" },
                ],
            }),
        );
        const messages = messagesOf(outcome);
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^orderedCacheBehaviors\[1\] \(\/legacy\/\*\) has viewerProtocolPolicy "allow-all"/);
    });

    it("passes without ordered behaviors", () => {
        expect(checkResource(cloudFrontHttpsOnly, distribution({ orderedCacheBehaviors: undefined })).violations).to.deep.equal([]);
    });
});

describe("cloudfront-modern-tls", () => {
    const withCertificate = (viewerCertificate: Record<string, unknown>) => distribution({ viewerCertificate });

    it("passes with an ACM certificate and TLSv1.2_2021", () => {
        expect(checkResource(cloudFrontModernTls, distribution())).to.deep.equal({ violations: [] });
    });

    for (const version of ["TLSv1.2_2025", "TLSv1.3_2025"]) {
        it(`passes with ${version}`, () => {
            const outcome = checkResource(
                cloudFrontModernTls,
                withCertificate({ acmCertificateArn: "arn:acm", minimumProtocolVersion: version }),
            );
            expect(outcome.violations).to.deep.equal([]);
        });
    }

    for (const version of ["TLSv1.2_2019", "TLSv1.2_2018", "TLSv1.1_2016", "TLSv1_2016", "TLSv1", "SSLv3"]) {
        it(`fails with ${version}`, () => {
            const messages = messagesOf(
                checkResource(
                    cloudFrontModernTls,
                    withCertificate({
                        acmCertificateArn: "arn:acm",
                        minimumProtocolVersion: version,
                    }),
                ),
            );
            expect(messages).to.deep.equal([
                `viewerCertificate.minimumProtocolVersion is "${version}". Set it to one of ` +
                    'TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025 (with sslSupportMethod "sni-only").',
            ]);
        });
    }

    it("fails when a custom certificate leaves the version to AWS's TLSv1 default", () => {
        expect(messagesOf(checkResource(cloudFrontModernTls, withCertificate({ acmCertificateArn: "arn:acm" })))).to.have.length(1);
    });

    it("applies to IAM server certificates too", () => {
        const outcome = checkResource(cloudFrontModernTls, withCertificate({ iamCertificateId: "ASCA1", minimumProtocolVersion: "TLSv1" }));
        expect(outcome.violations).to.have.length(1);
    });

    it("applies when the ACM certificate ARN is unknown at preview", () => {
        const outcome = checkResource(
            cloudFrontModernTls,
            withCertificate({ acmCertificateArn: UNKNOWN_STRING, minimumProtocolVersion: "TLSv1" }),
        );
        expect(outcome.violations).to.have.length(1);
    });

    it("passes the default CloudFront certificate, whose policy AWS fixes", () => {
        const outcome = checkResource(
            cloudFrontModernTls,
            withCertificate({ cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1" }),
        );
        expect(outcome).to.deep.equal({ violations: [] });
    });

    it("takes the accepted versions from the policy config", () => {
        const config = { "cloudfront-modern-tls": { allowedMinimumProtocolVersions: ["TLSv1.3_2025"] } };
        const outcome = checkResource(cloudFrontModernTls, distribution(), config);
        expect(messagesOf(outcome)).to.deep.equal([
            'viewerCertificate.minimumProtocolVersion is "TLSv1.2_2021". Set it to one of TLSv1.3_2025 ' +
                '(with sslSupportMethod "sni-only").',
        ]);
    });
});

describe("cloudfront-origin-access-control", () => {
    const withOrigins = (...origins: Array<Record<string, unknown>>) => distribution({ origins });
    const check = (resource: FakeResource) => messagesOf(checkResource(cloudFrontOriginAccessControl, resource));

    it("passes an S3 origin read through origin access control", () => {
        expect(checkResource(cloudFrontOriginAccessControl, distribution())).to.deep.equal({ violations: [] });
    });

    it("passes OAC with the empty s3OriginConfig CloudFront expects", () => {
        expect(check(withOrigins(s3Origin({ s3OriginConfig: { originAccessIdentity: "" } })))).to.deep.equal([]);
    });

    it("fails an S3 origin without originAccessControlId", () => {
        expect(check(withOrigins(s3Origin({ originAccessControlId: undefined })))).to.deep.equal([
            'S3 origin "static" has no originAccessControlId. Create an aws.cloudfront.OriginAccessControl ' +
                '(signingBehavior "always", signingProtocol "sigv4") and set originAccessControlId.',
        ]);
    });

    it("fails an S3 origin that uses an origin access identity", () => {
        const messages = check(
            withOrigins(
                s3Origin({
                    s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1OAI" },
                }),
            ),
        );
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^S3 origin "static" uses an origin access identity/);
    });

    it("recognises the global S3 endpoint", () => {
        const messages = check(withOrigins(s3Origin({ domainName: "legacy-bucket.s3.amazonaws.com", originAccessControlId: undefined })));
        expect(messages).to.have.length(1);
    });

    it("ignores custom origins", () => {
        expect(check(withOrigins({ originId: "api", domainName: "api.example.com", customOriginConfig: {} }))).to.deep.equal([]);
    });

    it("judges an origin whose domain is unknown at preview by its S3 settings", () => {
        expect(check(withOrigins(s3Origin({ domainName: UNKNOWN_STRING, originAccessControlId: UNKNOWN_STRING })))).to.deep.equal([]);
        expect(
            check(
                withOrigins(
                    s3Origin({
                        domainName: UNKNOWN_STRING,
                        originAccessControlId: undefined,
                        s3OriginConfig: { originAccessIdentity: UNKNOWN_STRING },
                    }),
                ),
            ),
        ).to.have.length(2);
        expect(check(withOrigins({ originId: "x", domainName: UNKNOWN_STRING }))).to.deep.equal([]);
    });
});

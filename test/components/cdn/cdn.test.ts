import { expect } from "chai";
import { MANAGED_CORS_S3_ORIGIN_REQUEST_POLICY_ID, staticBucketPolicy } from "../../../components/cdn/cdn";
import { CLOUDFRONT_HOSTED_ZONE_ID, HOSTED_ZONE_ID, placeholder } from "../../../tools/mock-cloud";
import { Evaluation, ProgramError, RegisteredResource } from "../../../tools/engine";
import { byType, childrenOf, COMPONENT_ACCOUNT, descendantsOf, evaluate, fixtureStack, one, policyOf } from "../../harness";

const T = {
    component: "membrane:cdn:Cdn",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    headersPolicy: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    distribution: "aws:cloudfront/distribution:Distribution",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    getZone: "aws:route53/getZone:getZone",
};

function evaluateCdn(domain: boolean): Promise<Evaluation> {
    return evaluate({
        stack: "staging",
        program: "test/programs/cdn.ts",
        cloud: COMPONENT_ACCOUNT,
        env: domain ? {} : { MEMBRANE_TEST_DOMAIN: "none" },
    });
}

const cdnResources = (ev: Evaluation): RegisteredResource[] => descendantsOf(ev, one(ev, T.component, "web"));
const typesOf = (rs: RegisteredResource[]): string[] => rs.map((r) => `${r.type} ${r.name}`).sort();

describe("Cdn on its own, with a custom domain", () => {
    let ev: Evaluation;
    before(async () => {
        ev = await evaluateCdn(true);
    });
    const distribution = () => one(ev, T.distribution, "web-distribution");

    it("is a membrane:cdn:Cdn that parents exactly the resources of the seed's CloudFront section, plus the policies and an AAAA record", () => {
        const component = one(ev, T.component, "web");
        expect(childrenOf(ev, component)).to.deep.equal(cdnResources(ev));
        expect(typesOf(cdnResources(ev))).to.deep.equal(
            [
                `${T.certificate} web-certificate`,
                `${T.validation} web-certificate-validation`,
                `${T.record} web-certificate-validation-record`,
                `${T.oac} web-oac`,
                `${T.cachePolicy} web-cache`,
                `${T.headersPolicy} web-headers`,
                `${T.distribution} web-distribution`,
                `${T.bucketPolicy} web-static-policy`,
                `${T.record} web-static-a`,
                `${T.record} web-static-aaaa`,
            ].sort(),
        );
    });

    it("requests a DNS-validated certificate for the static name in us-east-1, whatever the stack's region", () => {
        const cert = one(ev, T.certificate);
        expect(cert.inputs).to.deep.include({ region: "us-east-1", domainName: "cdn.qa.example.org", validationMethod: "DNS" });
        expect(cert.inputs).to.not.have.property("subjectAlternativeNames");
    });

    it("looks the public hosted zone up by name", () => {
        expect(ev.invokes.filter((i) => i.token === T.getZone)).to.deep.equal([
            { token: T.getZone, inputs: { name: "example.org", privateZone: false } },
        ]);
    });

    it("writes ACM's validation record into the zone (CNAME, ttl 60, overwrite allowed)", () => {
        const cert = one(ev, T.certificate);
        const [option] = cert.outputs.domainValidationOptions as Array<Record<string, string>>;
        const record = one(ev, T.record, "web-certificate-validation-record");
        expect(record.inputs).to.deep.include({
            zoneId: HOSTED_ZONE_ID,
            name: option.resourceRecordName,
            type: "CNAME",
            records: [option.resourceRecordValue],
            ttl: 60,
            allowOverwrite: true,
        });
    });

    it("validates the certificate in us-east-1 with that record", () => {
        const validation = one(ev, T.validation);
        const record = one(ev, T.record, "web-certificate-validation-record");
        expect(validation.inputs).to.deep.include({
            region: "us-east-1",
            certificateArn: one(ev, T.certificate).outputs.arn,
            validationRecordFqdns: [record.outputs.fqdn],
        });
        expect(validation.dependencies).to.include(record.urn);
    });

    it("the distribution waits for the validation: it uses the validation's certificate ARN", () => {
        const validation = one(ev, T.validation);
        expect(distribution().inputs.viewerCertificate).to.deep.equal({
            acmCertificateArn: validation.outputs.certificateArn,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2025",
        });
        expect(distribution().dependencies).to.include(validation.urn);
        expect(distribution().dependencies).to.not.include(one(ev, T.certificate).urn);
    });

    it("origin access control: S3, always signs, SigV4", () => {
        expect(one(ev, T.oac).inputs).to.deep.include({
            name: "t-qa-static-oac",
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
        });
    });

    it("distribution: the seed's settings, the alias, IPv6, HTTP/2 and HTTP/3, the static bucket through the OAC", () => {
        const d = distribution();
        expect(d.inputs).to.deep.include({
            enabled: true,
            isIpv6Enabled: true,
            httpVersion: "http2and3",
            comment: "Membrane static files CDN",
            defaultRootObject: "index.html",
            priceClass: "PriceClass_200",
            aliases: ["cdn.qa.example.org"],
            restrictions: { geoRestriction: { restrictionType: "none" } },
            tags: { Environment: "qa", Service: "membrane" },
        });
        expect(d.inputs.origins).to.deep.equal([
            {
                domainName: "t-qa-static.s3.eu-west-1.amazonaws.com",
                originId: "S3-t-qa-static",
                originAccessControlId: "<web-oac.id>",
            },
        ]);
        expect(d.dependencies).to.include(one(ev, T.oac).urn);
    });

    it("default behaviour: GET/HEAD/OPTIONS allowed and cached, HTTPS only, compressed, the three policies and no forwarded_values", () => {
        const behavior = distribution().inputs.defaultCacheBehavior;
        expect(behavior).to.deep.include({
            allowedMethods: ["GET", "HEAD", "OPTIONS"],
            cachedMethods: ["GET", "HEAD", "OPTIONS"],
            targetOriginId: "S3-t-qa-static",
            viewerProtocolPolicy: "redirect-to-https",
            compress: true,
            cachePolicyId: "<web-cache.id>",
            originRequestPolicyId: MANAGED_CORS_S3_ORIGIN_REQUEST_POLICY_ID,
            responseHeadersPolicyId: "<web-headers.id>",
        });
        expect(behavior).to.not.have.any.keys("forwardedValues", "minTtl", "defaultTtl", "maxTtl");
        expect(MANAGED_CORS_S3_ORIGIN_REQUEST_POLICY_ID).to.equal("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf");
    });

    it("cache policy: the seed's TTLs, no cookies or query strings, the CORS request headers in the key, gzip and brotli", () => {
        expect(one(ev, T.cachePolicy).inputs).to.deep.include({
            name: "t-qa-static-cache",
            minTtl: 0,
            defaultTtl: 86400,
            maxTtl: 31536000,
            parametersInCacheKeyAndForwardedToOrigin: {
                cookiesConfig: { cookieBehavior: "none" },
                queryStringsConfig: { queryStringBehavior: "none" },
                headersConfig: {
                    headerBehavior: "whitelist",
                    headers: { items: ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"] },
                },
                enableAcceptEncodingGzip: true,
                enableAcceptEncodingBrotli: true,
            },
        });
    });

    it("response headers policy: HSTS, nosniff, DENY framing, referrer policy; CORS as the bucket's rule without overriding it", () => {
        const p = one(ev, T.headersPolicy).inputs;
        expect(p.securityHeadersConfig).to.deep.equal({
            strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: true, override: true },
            contentTypeOptions: { override: true },
            frameOptions: { frameOption: "DENY", override: true },
            referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        });
        const cors = one(ev, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").inputs.corsRules as any[];
        expect(p.corsConfig).to.deep.equal({
            accessControlAllowCredentials: false,
            accessControlAllowHeaders: { items: cors[0].allowedHeaders },
            accessControlAllowMethods: { items: cors[0].allowedMethods },
            accessControlAllowOrigins: { items: ["https://app.example.com", "https://admin.example.com"] },
            accessControlExposeHeaders: { items: cors[0].exposeHeaders },
            accessControlMaxAgeSec: cors[0].maxAgeSeconds,
            originOverride: false,
        });
    });

    it("owns the static bucket's one policy: the OAC grant for this distribution only, and Storage's TLS-only statement", () => {
        const policies = byType(ev, T.bucketPolicy).filter((p) => p.inputs.bucket === "t-qa-static");
        expect(policies.map((p) => p.name)).to.deep.equal(["web-static-policy"]);
        const policy = policyOf(policies[0]);
        const distributionArn = distribution().outputs.arn as string;
        expect(distributionArn).to.be.a("string");
        expect(policy.Version).to.equal("2012-10-17");
        expect(policy.Statement).to.have.lengthOf(2);
        const [grant, deny] = policy.Statement;
        expect(grant).to.deep.equal({
            Sid: "AllowCloudFrontOAC",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::t-qa-static/*",
            Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
        });
        expect(deny).to.deep.equal({
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::t-qa-static", "arn:aws:s3:::t-qa-static/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });

    it("attaches the policy after the static bucket's public access block and the distribution", () => {
        const policy = one(ev, T.bucketPolicy, "web-static-policy");
        const pab = byType(ev, T.pab).find((p) => p.name === "files-static-public-access")!;
        expect(policy.dependencies).to.include(pab.urn);
        expect(policy.dependencies).to.include(distribution().urn);
    });

    for (const type of ["A", "AAAA"]) {
        it(`${type} alias record for the static name, pointing at the distribution`, () => {
            const record = one(ev, T.record, `web-static-${type.toLowerCase()}`);
            expect(record.inputs).to.deep.include({
                zoneId: HOSTED_ZONE_ID,
                name: "cdn.qa.example.org",
                type,
                aliases: [{ name: distribution().outputs.domainName, zoneId: CLOUDFRONT_HOSTED_ZONE_ID, evaluateTargetHealth: false }],
            });
        });
    }

    it("registers its outputs: BASE_STATIC_URI is the custom-domain URL", () => {
        const domainName = distribution().outputs.domainName as string;
        expect(one(ev, T.component, "web").outputs).to.deep.equal({
            distributionId: "<web-distribution.id>",
            distributionArn: distribution().outputs.arn,
            distributionDomainName: domainName,
            staticCdnUrl: `https://${domainName}`,
            customDomainUrl: "https://cdn.qa.example.org",
            baseStaticUri: "https://cdn.qa.example.org",
        });
        expect(ev.outputs.baseStaticUri).to.deep.equal({ value: "https://cdn.qa.example.org", secret: false });
    });
});

describe("Cdn on its own, without a custom domain", () => {
    let ev: Evaluation;
    before(async () => {
        ev = await evaluateCdn(false);
    });

    it("creates no certificate, no DNS records and looks up no zone", () => {
        expect(typesOf(cdnResources(ev))).to.deep.equal(
            [
                `${T.oac} web-oac`,
                `${T.cachePolicy} web-cache`,
                `${T.headersPolicy} web-headers`,
                `${T.distribution} web-distribution`,
                `${T.bucketPolicy} web-static-policy`,
            ].sort(),
        );
        expect(ev.invokes.map((i) => i.token)).to.not.include(T.getZone);
    });

    it("uses CloudFront's default certificate at TLSv1 (what AWS sets anyway) and no alias", () => {
        const d = one(ev, T.distribution);
        expect(d.inputs.viewerCertificate).to.deep.equal({ cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1" });
        expect(d.inputs).to.not.have.property("aliases");
    });

    it("still owns the static bucket's policy with the OAC grant", () => {
        const policy = policyOf(one(ev, T.bucketPolicy, "web-static-policy"));
        expect(policy.Statement[0].Condition).to.deep.equal({ StringEquals: { "AWS:SourceArn": one(ev, T.distribution).outputs.arn } });
    });

    it("BASE_STATIC_URI is the *.cloudfront.net URL; there is no custom-domain URL", () => {
        const outputs = one(ev, T.component, "web").outputs;
        const url = `https://${one(ev, T.distribution).outputs.domainName}`;
        expect(outputs.staticCdnUrl).to.equal(url);
        expect(outputs.baseStaticUri).to.equal(url);
        expect(outputs).to.not.have.property("customDomainUrl");
        expect(ev.outputs.baseStaticUri.value).to.equal(url);
        expect(ev.outputs).to.not.have.property("customDomainUrl");
    });
});

describe("the static bucket policy", () => {
    it("is the OAC grant conditioned on the distribution, then the TLS-only deny", () => {
        expect(staticBucketPolicy("arn:aws:s3:::b", "arn:aws:cloudfront::1:distribution/E1")).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowCloudFrontOAC",
                    Effect: "Allow",
                    Principal: { Service: "cloudfront.amazonaws.com" },
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/*",
                    Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1" } },
                },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });
});

describe("Cdn in the fixture stacks", () => {
    const stacks: Record<string, Evaluation> = {};
    before(async () => {
        const [prod, staging, noDomain] = await Promise.all([
            fixtureStack("prod"),
            fixtureStack("staging"),
            evaluate({ stack: "staging", overrides: { "membrane:hostedZoneName": "" } }),
        ]);
        Object.assign(stacks, { prod, staging, noDomain });
    });

    for (const [stack, environment] of [
        ["prod", "prod"],
        ["staging", "staging"],
    ]) {
        describe(stack, () => {
            const domain = `static.${environment}.acme.example.com`;

            it("creates one Cdn with the certificate, validation, distribution, bucket policy and both alias records", () => {
                const ev = stacks[stack];
                const cdn = one(ev, T.component, "cdn");
                expect(typesOf(descendantsOf(ev, cdn))).to.deep.equal(
                    [
                        `${T.certificate} cdn-certificate`,
                        `${T.validation} cdn-certificate-validation`,
                        `${T.record} cdn-certificate-validation-record`,
                        `${T.oac} cdn-oac`,
                        `${T.cachePolicy} cdn-cache`,
                        `${T.headersPolicy} cdn-headers`,
                        `${T.distribution} cdn-distribution`,
                        `${T.bucketPolicy} cdn-static-policy`,
                        `${T.record} cdn-static-a`,
                        `${T.record} cdn-static-aaaa`,
                    ].sort(),
                );
            });

            it(`serves ${domain}: certificate in us-east-1, the alias, TLSv1.2_2021 and PriceClass_100 by default`, () => {
                const ev = stacks[stack];
                expect(one(ev, T.certificate).inputs).to.include({ domainName: domain, region: "us-east-1" });
                const d = one(ev, T.distribution);
                expect(d.inputs.aliases).to.deep.equal([domain]);
                expect(d.inputs.priceClass).to.equal("PriceClass_100");
                expect((d.inputs.viewerCertificate as any).minimumProtocolVersion).to.equal("TLSv1.2_2021");
                expect(d.inputs.origins).to.deep.equal([
                    {
                        domainName: `acme-${environment}-integration-app-static.s3.${stack === "prod" ? "us-east-1" : "eu-west-1"}.amazonaws.com`,
                        originId: `S3-acme-${environment}-integration-app-static`,
                        originAccessControlId: "<cdn-oac.id>",
                    },
                ]);
            });

            it("the static bucket has exactly one policy, the Cdn's, after Storage's public access block", () => {
                const ev = stacks[stack];
                const policies = byType(ev, T.bucketPolicy).filter((p) => p.inputs.bucket === `acme-${environment}-integration-app-static`);
                expect(policies.map((p) => p.name)).to.deep.equal(["cdn-static-policy"]);
                expect(policies[0].dependencies).to.include(one(ev, T.pab, "storage-static-public-access").urn);
            });

            it("exports BASE_STATIC_URI as the custom-domain URL, and the distribution and both URLs as other outputs", () => {
                const ev = stacks[stack];
                expect(ev.outputs.BASE_STATIC_URI).to.deep.equal({ value: `https://${domain}`, secret: false });
                const d = one(ev, T.distribution);
                expect(ev.outputs.cloudfrontDistributionId).to.deep.equal({ value: placeholder(d.name, "id"), secret: false });
                expect(ev.outputs.staticCdnUrl).to.deep.equal({ value: `https://${d.outputs.domainName}`, secret: false });
                expect(ev.outputs.cloudfrontDistributionArn).to.deep.equal({ value: d.outputs.arn, secret: false });
                expect(ev.outputs.cloudfrontDomainName).to.deep.equal({ value: d.outputs.domainName, secret: false });
                expect(ev.outputs.staticCustomDomainUrl).to.deep.equal({ value: `https://${domain}`, secret: false });
                expect(
                    Object.keys(ev.outputs)
                        .filter((k) => /^(cloudfront|static)/.test(k))
                        .sort(),
                ).to.deep.equal([
                    "cloudfrontDistributionArn",
                    "cloudfrontDistributionId",
                    "cloudfrontDomainName",
                    "staticCdnUrl",
                    "staticCustomDomainUrl",
                ]);
            });
        });
    }

    it("without hostedZoneName: no certificate, no records, BASE_STATIC_URI is the CloudFront URL, and a warning", () => {
        const ev = stacks.noDomain;
        expect(byType(ev, T.certificate)).to.deep.equal([]);
        expect(byType(ev, T.record)).to.deep.equal([]);
        const d = one(ev, T.distribution);
        expect(ev.outputs.BASE_STATIC_URI.value).to.equal(`https://${d.outputs.domainName}`);
        expect(ev.outputs).to.not.have.property("staticCustomDomainUrl");
        expect(ev.warnings.some((w) => /membrane:hostedZoneName is empty/.test(w))).to.equal(true);
    });

    it("a custom static name and the configurable price class and TLS policy reach the distribution", async () => {
        const ev = await evaluate({
            stack: "prod",
            overrides: {
                "membrane:staticDomainName": "assets.acme.example.com",
                "membrane:cdnPriceClass": "PriceClass_All",
                "membrane:cdnMinimumTlsVersion": "TLSv1.3_2025",
            },
        });
        const d = one(ev, T.distribution);
        expect(d.inputs.aliases).to.deep.equal(["assets.acme.example.com"]);
        expect(d.inputs.priceClass).to.equal("PriceClass_All");
        expect((d.inputs.viewerCertificate as any).minimumProtocolVersion).to.equal("TLSv1.3_2025");
        expect(one(ev, T.certificate).inputs.domainName).to.equal("assets.acme.example.com");
        expect(ev.outputs.BASE_STATIC_URI.value).to.equal("https://assets.acme.example.com");
    });

    it("bad CDN config fails the program with every problem, before any resource is registered", async () => {
        try {
            await evaluate({
                stack: "staging",
                overrides: {
                    "membrane:staticDomainName": "static.other.org",
                    "membrane:cdnPriceClass": "PriceClass_300",
                    "membrane:cdnMinimumTlsVersion": "TLSv1.2_2019",
                },
            });
            expect.fail("the program should have failed");
        } catch (e) {
            expect(e).to.be.instanceOf(ProgramError);
            const err = e as ProgramError;
            expect(err.message).to.match(
                /membrane:cdnPriceClass: must be one of PriceClass_100, PriceClass_200, PriceClass_All \(got "PriceClass_300"\)/,
            );
            expect(err.message).to.match(
                /membrane:cdnMinimumTlsVersion: must be one of TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025 \(got "TLSv1.2_2019"\)/,
            );
            expect(err.message).to.match(/membrane:staticDomainName: must be inside membrane:hostedZoneName "acme.example.com"/);
            expect(err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"))).to.deep.equal([]);
        }
    });
});

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { unknownCheckingProxy } from "@pulumi/policy";
import { parsePolicyDocument, wildcardGrants } from "../lib/policy-document";
import { TYPES } from "../lib/tokens";
import { UNKNOWN, readKnown } from "../lib/unknown";
import * as pack from "../policies";
import { allPolicies, resourcePolicies, stackPolicies } from "../policies";
import { PlannedResource, effectiveEnforcementLevel, runPolicies } from "../runner";
import { UNKNOWN_ARRAY, UNKNOWN_BOOLEAN, UNKNOWN_STRING, urnOf } from "./harness";

type AnyPolicy = (typeof allPolicies)[number];

const isPolicy = (value: unknown): value is AnyPolicy =>
    typeof value === "object" && value !== null && "name" in value && ("validateResource" in value || "validateStack" in value);

const exportedPolicies = Object.values(pack).filter(isPolicy);

const MANDATORY = [
    "no-elasticache-serverless",
    "no-documentdb",
    "no-back-doors",
    "s3-public-access-block",
    "s3-bucket-owner-enforced",
    "s3-bucket-policy-denies-insecure-transport",
    "s3-connectors-bucket-versioned",
    "elasticache-encryption-and-auth",
    "cloudfront-https-only",
    "cloudfront-modern-tls",
    "cloudfront-origin-access-control",
    "iam-no-wildcard-actions",
    "iam-service-role-trust-scoped",
    "atlas-no-open-access-list",
    "atlas-backups-and-pitr",
    "atlas-cluster-modern-tls",
    "s3-access-logs-not-into-source",
    "alarm-topic-usable-by-cloudwatch",
    "secretsmanager-secret-tags",
    "secretsmanager-secret-encryption",
    "iam-role-secrets-scoped",
];

/** What production promises and a user may legitimately choose otherwise (data residency, logs or pagers of their own). */
const ADVISORY = [
    "elasticache-high-availability",
    "production-connectors-replicated",
    "production-data-buckets-logged",
    "production-alarms-present",
];

describe("the pack", () => {
    it("exports twenty-five policies, all of them in the pack's list", () => {
        expect(exportedPolicies).to.have.length(25);
        for (const policy of exportedPolicies) {
            expect(allPolicies, policy.name).to.include(policy);
        }
        expect(allPolicies).to.have.length(exportedPolicies.length);
    });

    it("splits the list into resource and stack policies", () => {
        expect(resourcePolicies.every((p) => "validateResource" in p)).to.equal(true);
        expect(stackPolicies.map((p) => p.name)).to.deep.equal([
            "s3-connectors-bucket-versioned",
            "iam-role-secrets-scoped",
            "alarm-topic-usable-by-cloudwatch",
            "production-connectors-replicated",
            "production-data-buckets-logged",
            "production-alarms-present",
        ]);
        expect(allPolicies).to.deep.equal([...resourcePolicies, ...stackPolicies]);
    });

    it("gives every policy a unique kebab-case name, a description and an enforcement level", () => {
        const names = allPolicies.map((p) => p.name);
        expect(new Set(names).size).to.equal(names.length);
        for (const policy of allPolicies) {
            expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(policy.name).to.not.equal("all");
            expect(policy.description, policy.name).to.be.a("string").and.have.length.greaterThan(20);
            expect(["advisory", "mandatory"], policy.name).to.include(policy.enforcementLevel);
        }
    });

    it("makes the refusals and guards mandatory, and only the HA check and production's promises advisory", () => {
        const levels = Object.fromEntries(allPolicies.map((p) => [p.name, p.enforcementLevel]));
        for (const name of MANDATORY) {
            expect(levels[name], name).to.equal("mandatory");
        }
        for (const name of ADVISORY) {
            expect(levels[name], name).to.equal("advisory");
        }
        expect([...MANDATORY, ...ADVISORY].sort()).to.deep.equal(Object.keys(levels).sort());
    });

    it("never declares enforcementLevel as a config property (the SDK refuses to serve such a pack)", () => {
        for (const policy of allPolicies) {
            expect(Object.keys(policy.configSchema?.properties ?? {})).to.not.include("enforcementLevel");
        }
    });

    it("serves the whole list from index.ts", () => {
        const index = fs.readFileSync(path.join(__dirname, "..", "index.ts"), "utf8");
        expect(index).to.match(/import \{ allPolicies \} from "\.\/policies"/);
        expect(index).to.match(/new PolicyPack\("membrane", \{\s*policies: allPolicies,?\s*\}\)/);
    });

    it("has the PulumiPolicy.yaml the CLI needs", () => {
        const yaml = fs.readFileSync(path.join(__dirname, "..", "PulumiPolicy.yaml"), "utf8");
        expect(yaml).to.match(/^runtime: nodejs$/m);
        expect(yaml).to.match(/^description: \S/m);
    });
});

describe("test harness sentinels", () => {
    for (const [label, sentinel] of [
        ["string", UNKNOWN_STRING],
        ["boolean", UNKNOWN_BOOLEAN],
        ["Array", UNKNOWN_ARRAY],
    ]) {
        it(`are recognised by the SDK's proxy as an unknown ${label}`, () => {
            const props = unknownCheckingProxy({ value: sentinel }) as { value: unknown };
            expect(() => props.value).to.throw(`${label} value at .value can't be known during preview`);
        });
    }
});

describe("helpers", () => {
    describe("readKnown", () => {
        it("returns known values and UNKNOWN for unknown ones", () => {
            const props = unknownCheckingProxy({ known: "a", unknown: UNKNOWN_STRING }) as Record<string, unknown>;
            expect(readKnown(() => props.known)).to.equal("a");
            expect(readKnown(() => props.unknown)).to.equal(UNKNOWN);
        });

        it("rethrows other errors", () => {
            expect(() =>
                readKnown(() => {
                    throw new TypeError("boom");
                }),
            ).to.throw(TypeError, "boom");
        });
    });

    describe("parsePolicyDocument", () => {
        const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };

        it("parses JSON text and objects alike", () => {
            expect(parsePolicyDocument(JSON.stringify(document))).to.deep.equal(document);
            expect(parsePolicyDocument(document)).to.deep.equal(document);
        });

        it("returns undefined for unknown, missing, malformed or non-object documents", () => {
            const proxied = unknownCheckingProxy({ doc: { Statement: [{ Effect: "Allow", Action: UNKNOWN_STRING }] } }) as { doc: unknown };
            for (const value of [UNKNOWN, undefined, null, "", "{", "[1,2]", '"text"', UNKNOWN_STRING, proxied.doc]) {
                expect(parsePolicyDocument(value), String(value)).to.equal(undefined);
            }
        });
    });

    describe("wildcardGrants", () => {
        it("lists each wildcard grant once per occurrence", () => {
            const grants = wildcardGrants({
                Statement: [
                    { Effect: "Allow", Action: ["s3:*", "s3:GetObject", " ec2:* "] },
                    { Effect: "Allow", NotAction: ["iam:*"] },
                    { Effect: "Deny", Action: "*" },
                ],
            });
            expect(grants).to.deep.equal(["s3:*", " ec2:* ", 'NotAction ["iam:*"]']);
        });
    });

    describe("effectiveEnforcementLevel", () => {
        const policy = { name: "p", enforcementLevel: "mandatory" as const };

        it("prefers per-policy config, then `all`, then the policy's own level", () => {
            expect(effectiveEnforcementLevel(policy)).to.equal("mandatory");
            expect(effectiveEnforcementLevel(policy, { all: "advisory" })).to.equal("advisory");
            expect(effectiveEnforcementLevel(policy, { all: { enforcementLevel: "disabled" }, p: "advisory" })).to.equal("advisory");
            expect(effectiveEnforcementLevel(policy, { p: { enforcementLevel: "disabled" } })).to.equal("disabled");
            expect(effectiveEnforcementLevel({ name: "q" })).to.equal("advisory");
        });
    });
});

describe("runPolicies", () => {
    const planned = (
        type: string,
        name: string,
        props: Record<string, unknown>,
        extra: Partial<PlannedResource> = {},
    ): PlannedResource => ({ type, name, urn: urnOf(type, name), props, ...extra });

    const CONNECTORS = "acme-prod-integration-app-connectors";
    const connectorsBucket = planned(TYPES.bucket, "connectors", { bucket: CONNECTORS });

    const compliant: PlannedResource[] = [
        connectorsBucket,
        planned(TYPES.bucketVersioning, "connectors", {
            bucket: CONNECTORS,
            versioningConfiguration: { status: "Enabled" },
        }),
        planned(TYPES.bucketPublicAccessBlock, "connectors", {
            bucket: CONNECTORS,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
        planned(TYPES.bucketOwnershipControls, "connectors", { bucket: CONNECTORS, rule: { objectOwnership: "BucketOwnerEnforced" } }),
        planned(TYPES.replicationGroup, "redis", {
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            authToken: "token0123456789abcdef",
        }),
        planned(TYPES.atlasCluster, "mongo", {
            backupEnabled: true,
            pitEnabled: true,
            advancedConfiguration: { minimumEnabledTlsProtocol: "TLS1_2" },
        }),
        planned("aws:ecs/cluster:Cluster", "ecs", { name: "membrane" }),
    ];

    it("finds nothing in a compliant plan", () => {
        expect(runPolicies(compliant)).to.deep.equal([]);
    });

    it("reports each violation with its policy, level, resource and message", () => {
        const cache = planned("aws:elasticache/serverlessCache:ServerlessCache", "cache", { engine: "redis" });
        const docdb = planned("aws-native:docdb:DbCluster", "docdb", {});
        const noVersioning = compliant.filter((r) => r.type !== TYPES.bucketVersioning);
        const findings = runPolicies([...noVersioning, cache, docdb]);
        expect(findings.map((f) => [f.policyName, f.enforcementLevel, f.resourceUrn])).to.deep.equal([
            ["no-elasticache-serverless", "mandatory", cache.urn],
            ["no-documentdb", "mandatory", docdb.urn],
            ["s3-connectors-bucket-versioned", "mandatory", connectorsBucket.urn],
        ]);
        expect(findings[0].message).to.equal(pack.ELASTICACHE_SERVERLESS_MESSAGE);
    });

    it("keeps what a validation reported before an unknown value stopped it, as the SDK's server does", () => {
        const group = planned(TYPES.replicationGroup, "redis", {
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            atRestEncryptionEnabled: false,
            transitEncryptionEnabled: UNKNOWN_BOOLEAN,
            authToken: "token0123456789abcdef",
        });
        const findings = runPolicies([group]).filter((f) => f.policyName === "elasticache-encryption-and-auth");
        expect(findings.map((f) => f.enforcementLevel)).to.deep.equal(["mandatory", "advisory"]);
        expect(findings[0].message).to.match(/atRestEncryptionEnabled/);
        expect(findings[1].message).to.match(
            /^can't run policy 'elasticache-encryption-and-auth' during preview: .*transitEncryptionEnabled/,
        );
    });

    it("applies a policy pack config: lowered, disabled, remediate and `all`", () => {
        const bad = [
            planned(TYPES.atlasCluster, "mongo", {
                backupEnabled: false,
                pitEnabled: true,
                advancedConfiguration: { minimumEnabledTlsProtocol: "TLS1_2" },
            }),
            planned(TYPES.atlasAccessList, "open", { cidrBlock: "0.0.0.0/0" }),
            planned(TYPES.replicationGroup, "redis", {
                numCacheClusters: 2,
                automaticFailoverEnabled: false,
                multiAzEnabled: true,
                atRestEncryptionEnabled: true,
                transitEncryptionEnabled: true,
                authToken: "token0123456789abcdef",
            }),
        ];
        const levels = (config: Parameters<typeof runPolicies>[1]) =>
            runPolicies(bad, config).map((f) => `${f.policyName}=${f.enforcementLevel}`);

        expect(levels({})).to.deep.equal([
            "elasticache-high-availability=advisory",
            "atlas-no-open-access-list=mandatory",
            "atlas-backups-and-pitr=mandatory",
        ]);
        expect(
            levels({ "atlas-backups-and-pitr": { enforcementLevel: "advisory" }, "atlas-no-open-access-list": "disabled" }),
        ).to.deep.equal(["elasticache-high-availability=advisory", "atlas-backups-and-pitr=advisory"]);
        expect(levels({ all: "advisory", "elasticache-high-availability": "remediate" })).to.deep.equal([
            "elasticache-high-availability=mandatory",
            "atlas-no-open-access-list=advisory",
            "atlas-backups-and-pitr=advisory",
        ]);
    });

    it("passes a policy's config properties to getConfig", () => {
        const distribution = planned(TYPES.distribution, "cdn", {
            defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https" },
            viewerCertificate: { acmCertificateArn: "arn:acm", minimumProtocolVersion: "TLSv1.2_2021" },
        });
        expect(runPolicies([distribution])).to.deep.equal([]);
        const findings = runPolicies([distribution], {
            "cloudfront-modern-tls": { allowedMinimumProtocolVersions: ["TLSv1.3_2025"] },
        });
        expect(findings.map((f) => f.policyName)).to.deep.equal(["cloudfront-modern-tls"]);
    });

    it("turns values unknown at preview into an advisory, as the SDK does", () => {
        const group = planned(TYPES.replicationGroup, "redis", {
            atRestEncryptionEnabled: UNKNOWN_BOOLEAN,
            transitEncryptionEnabled: true,
            authToken: "t",
        });
        const findings = runPolicies([group]).filter((f) => f.policyName === "elasticache-encryption-and-auth");
        expect(findings).to.deep.equal([
            {
                policyName: "elasticache-encryption-and-auth",
                enforcementLevel: "advisory",
                resourceUrn: group.urn,
                message:
                    "can't run policy 'elasticache-encryption-and-auth' during preview: " +
                    "boolean value at .atRestEncryptionEnabled can't be known during preview",
            },
        ]);
    });

    it("resolves dependencies by URN for stack policies", () => {
        const versioning = planned(TYPES.bucketVersioning, "connectors", {
            bucket: UNKNOWN_STRING,
            versioningConfiguration: { status: "Enabled" },
        });
        const withDependency = { ...versioning, propertyDependencies: { bucket: [connectorsBucket.urn] } };
        expect(runPolicies([connectorsBucket, withDependency])).to.deep.equal([]);
        expect(runPolicies([connectorsBucket, versioning]).map((f) => f.policyName)).to.deep.equal(["s3-connectors-bucket-versioned"]);
    });
});

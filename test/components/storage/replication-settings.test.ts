// Replication's keys as pure config: defaults, every rule, and what each refused value says.
import { expect } from "chai";
import { partitionOf } from "../../../components/regions";
import { readSettings } from "../../../components/settings";
import { defaultReplicaRegion, replicaRegionProblems } from "../../../components/storage/replication-settings";
import { replicaBucketName } from "../../../lib/naming";
import { problemsOf, raw, VALID } from "../../harness";

const parse = (values: Record<string, unknown>) => readSettings(raw({ ...VALID, ...values }));

describe("config: replication", () => {
    it("replicates the connectors bucket to the paired region by default, without delete markers", () => {
        // The replica is named after the source, acme-prod-integration-app-connectors, which Storage gives Replication.
        expect(parse({}).replication).to.deep.equal({
            environment: "prod",
            production: false,
            replicaRegion: "us-west-2",
            replicas: [{ key: "connectors", replicaName: "acme-prod-integration-app-connectors-us-west-2" }],
            noncurrentVersionDays: 90,
            replicateDeleteMarkers: false,
            roleName: "prod-membrane-s3-replication",
            policyName: "prod-membrane-s3-replication",
            permissionsBoundaryArn: undefined,
            accessLogs: { logBucketName: "acme-prod-integration-app-logs-us-west-2", retentionDays: 365 },
        });
    });

    it("reads every key: region, the static bucket, delete markers; no replica log bucket without access logs", () => {
        const r = parse({
            s3ReplicaRegion: "eu-central-1",
            s3ReplicateStatic: true,
            s3ReplicateDeleteMarkers: true,
            s3AccessLogs: false,
        }).replication!;
        expect(r.replicaRegion).to.equal("eu-central-1");
        expect(r.replicas.map((b) => [b.key, b.replicaName])).to.deep.equal([
            ["connectors", "acme-prod-integration-app-connectors-eu-central-1"],
            ["static", "acme-prod-integration-app-static-eu-central-1"],
        ]);
        expect(r.replicateDeleteMarkers).to.equal(true);
        expect(r.accessLogs).to.equal(undefined);
    });

    it("is absent when s3Replication is false, and then needs no replica region", () => {
        expect(parse({ s3Replication: false }).replication).to.equal(undefined);
        expect(problemsOf({ s3Replication: false, "aws:region": "ap-southeast-2" })).to.deep.equal([]);
    });

    const REGION_CASES: Array<[string, Record<string, unknown>, string[]]> = [
        [
            "the stack's own region",
            { s3ReplicaRegion: "us-east-1" },
            [
                'membrane:s3ReplicaRegion: must differ from aws:region "us-east-1": a replica in the same region does not survive the loss of that region',
            ],
        ],
        [
            "a region that does not exist",
            { s3ReplicaRegion: "us-moon-1" },
            [
                'membrane:s3ReplicaRegion: is not a region the AWS provider knows (did you mean us-east-1?); for a region newer than the 46 that @pulumi/aws lists, update it (npm install @pulumi/aws@latest) or set aws:skipRegionValidation: true (got "us-moon-1")',
            ],
        ],
        [
            "a region of another partition",
            { s3ReplicaRegion: "cn-north-1" },
            [
                'membrane:s3ReplicaRegion: must be in the partition of aws:region "us-east-1" (aws); S3 does not replicate across partitions (got "cn-north-1")',
            ],
        ],
        [
            "no default for the stack's region",
            { "aws:region": "ap-southeast-2" },
            [
                'membrane:s3ReplicaRegion: has no default for aws:region "ap-southeast-2" (only regions every account has enabled are paired by default): set it to a region of the same partition that your data may be copied to, or set membrane:s3Replication to false',
            ],
        ],
    ];
    for (const [what, values, problems] of REGION_CASES) {
        it(`refuses ${what}`, () => {
            expect(problemsOf(values)).to.deep.equal(problems);
        });
    }

    it("accepts an explicit region where there is no default", () => {
        expect(problemsOf({ "aws:region": "ap-southeast-2", s3ReplicaRegion: "ap-southeast-4" })).to.deep.equal([]);
    });

    it("checks the replicas' composed names like the others, naming the region key", () => {
        // 63 characters for the source; its replica and the replica log bucket are longer than S3 allows.
        const problems = problemsOf({ namePrefix: "a-long-company-name-", environment: "production-eu", s3ReplicaRegion: "eu-central-1" });
        expect(problems).to.deep.equal([
            'membrane:s3ReplicaRegion: makes the bucket name "a-long-company-name-production-eu-integration-app-connectors-eu-central-1" in the replica region, which is 73 characters long; S3 allows 3 to 63; shorten membrane:namePrefix or membrane:environment',
            'membrane:s3ReplicaRegion: makes the bucket name "a-long-company-name-production-eu-integration-app-logs-eu-central-1" in the replica region, which is 67 characters long; S3 allows 3 to 63; shorten membrane:namePrefix or membrane:environment',
        ]);
    });

    it("refuses a replication role name of 65 characters, naming the environment key; 64 is IAM's limit and accepted", () => {
        // "<environment>-membrane-s3-replication-us-east-1": 24 + 10 characters after the environment.
        const roleProblems = (environment: string) =>
            problemsOf({ environment, regionInNames: true }).filter((p) => p.includes("replication role name"));
        expect(roleProblems("r".repeat(30))).to.deep.equal([]);
        expect(roleProblems("r".repeat(31))).to.deep.equal([
            `membrane:environment: makes the replication role name "${"r".repeat(31)}-membrane-s3-replication-us-east-1" 65 characters long; IAM allows 64`,
        ]);
    });

    it("does not repeat a refused environment as refused replica names", () => {
        expect(problemsOf({ environment: "Prod_Env" }).filter((p) => p.includes("replica"))).to.deep.equal([]);
    });

    it("pure: partitions, default pairs, names and region rules", () => {
        expect(["us-east-1", "us-gov-west-1", "cn-northwest-1", "eusc-de-east-1", "mars-1"].map(partitionOf)).to.deep.equal([
            "aws",
            "aws-us-gov",
            "aws-cn",
            "aws-eusc",
            undefined,
        ]);
        // Every default is a real region of the same partition, never the region itself.
        for (const region of [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "eu-west-2",
            "eu-west-3",
            "eu-north-1",
            "us-gov-west-1",
            "cn-north-1",
        ]) {
            const pair = defaultReplicaRegion(region)!;
            expect(replicaRegionProblems(pair, region), region).to.deep.equal([]);
        }
        expect(defaultReplicaRegion("ap-southeast-2")).to.equal(undefined);
        expect(defaultReplicaRegion("constructor")).to.equal(undefined);
        expect(replicaBucketName("acme-prod-integration-app-connectors", "us-west-2")).to.equal(
            "acme-prod-integration-app-connectors-us-west-2",
        );
    });
});

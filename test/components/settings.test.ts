import { expect } from "chai";
import { readSettings } from "../../components/settings";
import { ConfigError } from "../../lib/config-reader";
import { VALID, problemsOf, raw } from "../harness";
import { itRefuses, keysNamed, Refusal } from "../support/settings";

const without = (key: string): Record<string, unknown> => ({ [key]: undefined });

describe("config: core and storage", () => {
    it("accepts a valid config and types it", () => {
        const c = readSettings(raw({ ...VALID, production: true, tmpExpirationDays: 3, corsAllowedOrigins: ["https://app.acme.com"] }));
        expect(c.region).to.equal("us-east-1");
        expect(c.storage.environment).to.equal("prod");
        expect(c.storage.production).to.equal(true);
        expect(c.redis.privateSubnetIds).to.deep.equal(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]);
        expect(c.storage.bucketNames).to.deep.equal({
            tmp: "acme-prod-integration-app-tmp",
            connectors: "acme-prod-integration-app-connectors",
            static: "acme-prod-integration-app-static",
        });
        expect(c.storage.tmpExpirationDays).to.equal(3);
        expect(c.storage.corsAllowedOrigins).to.deep.equal(["https://app.acme.com"]);
        expect(c.warnings).to.deep.equal([]);
    });

    it("takes Pulumi.yaml's defaults (the seed's values) for optional keys", () => {
        const c = readSettings(raw(VALID));
        expect(c.storage.production).to.equal(false);
        expect(c.storage.tmpExpirationDays).to.equal(7);
        expect(c.storage.connectorsNoncurrentVersionDays).to.equal(90);
    });

    it("warns, without failing, when namePrefix is empty", () => {
        const c = readSettings(raw({ ...VALID, namePrefix: "" }));
        expect(c.storage.bucketNames.tmp).to.equal("prod-integration-app-tmp");
        expect(c.warnings).to.have.lengthOf(1);
        expect(c.warnings[0]).to.match(/membrane:namePrefix is empty/);
    });

    const bad: Refusal[] = [
        [
            "environment with uppercase and underscore",
            { environment: "Prod_Env" },
            /^membrane:environment: must be 2 or more lowercase letters, digits and hyphens.*"Prod_Env"/,
        ],
        ["environment starting with a digit", { environment: "1prod" }, /^membrane:environment: must be 2 or more lowercase/],
        ["environment ending with a hyphen", { environment: "prod-" }, /^membrane:environment: must be 2 or more lowercase/],
        ["environment with a dot", { environment: "prod.eu" }, /^membrane:environment: must be 2 or more lowercase/],
        ["environment of one character", { environment: "p" }, /^membrane:environment: must be 2 or more lowercase/],
        ["missing environment", without("environment"), /^membrane:environment: is required/],
        [
            "environment that makes a bucket name longer than 63 characters",
            { namePrefix: "", environment: "a-very-long-environment-name-for-testing-xyz" },
            /^membrane:environment: make the bucket name "a-very-long-environment-name-for-testing-xyz-integration-app-connectors", which is 71 characters long; S3 allows 3 to 63$/,
        ],
        [
            "prefix and environment together too long",
            { namePrefix: "acme-corporation-international-", environment: "production" },
            /^membrane:namePrefix and membrane:environment: make the bucket name "acme-corporation-international-production-integration-app-connectors", which is 68 characters long/,
        ],
        ["prefix with a reserved start", { namePrefix: "xn--" }, /must not start with the reserved prefix "xn--"/],
        ["prefix with uppercase", { namePrefix: "Acme-" }, /^membrane:namePrefix: must be lowercase letters/],
        ["prefix with a dot", { namePrefix: "acme." }, /^membrane:namePrefix: must be lowercase letters/],
        ["missing region", without("aws:region"), /^aws:region: is required/],
        ["bad region", { "aws:region": "us-east" }, /^aws:region: is not a region the AWS provider knows \(did you mean us-east-1\?\)/],
        ["bad VPC id", { vpcId: "vpc-123" }, /^membrane:vpcId: must be a VPC id.*"vpc-123"/],
        ["VPC id with uppercase hex", { vpcId: "vpc-0A1B2C3D4E5F60718" }, /^membrane:vpcId: must be a VPC id/],
        ["missing VPC id", without("vpcId"), /^membrane:vpcId: is required/],
        ["CIDR without prefix", { vpcCidr: "10.0.0.0" }, /^membrane:vpcCidr: must be an IPv4 CIDR block/],
        ["CIDR with an octet over 255", { vpcCidr: "10.0.300.0/16" }, /^membrane:vpcCidr: is not a valid IPv4 CIDR block/],
        ["CIDR with host bits", { vpcCidr: "10.0.1.0/16" }, /^membrane:vpcCidr: has host bits set/],
        [
            "CIDR wider than a VPC allows",
            { vpcCidr: "10.0.0.0/8" },
            /^membrane:vpcCidr: a VPC's CIDR block is between \/16 and \/28 \(got \/8\)/,
        ],
        ["CIDR narrower than a VPC allows", { vpcCidr: "10.0.0.0/29" }, /^membrane:vpcCidr: a VPC's CIDR block is between \/16 and \/28/],
        ["empty subnet list", { privateSubnetIds: [] }, /^membrane:privateSubnetIds: must not be empty/],
        ["missing subnet list", without("privateSubnetIds"), /^membrane:privateSubnetIds: is required/],
        [
            "malformed subnet id",
            { privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-xyz"] },
            /^membrane:privateSubnetIds: "subnet-xyz" is not a subnet id/,
        ],
        [
            "duplicate subnet",
            { privateSubnetIds: ["subnet-0a1b2c3d", "subnet-0a1b2c3d"] },
            /^membrane:privateSubnetIds: lists "subnet-0a1b2c3d" more than once: remove the repeat \(one private subnet per availability zone\)$/,
        ],
        [
            "subnet list that is not a list",
            { privateSubnetIds: "subnet-0a1b2c3d" },
            /^membrane:privateSubnetIds: must be a list of strings/,
        ],
        ["production not a boolean", { production: "yes" }, /^membrane:production: must be true or false \(got "yes"\)/],
        ["tmp expiration of zero days", { tmpExpirationDays: 0 }, /^membrane:tmpExpirationDays: must be between 1 and 3650 \(got 0\)/],
        ["tmp expiration not a number", { tmpExpirationDays: "seven" }, /^membrane:tmpExpirationDays: must be a whole number/],
        [
            "a declared key that reached the program without a value",
            { tmpExpirationDays: undefined },
            /^membrane:tmpExpirationDays: has no value \(its default belongs in Pulumi.yaml\)/,
        ],
        [
            "noncurrent days negative",
            { connectorsNoncurrentVersionDays: -1 },
            /^membrane:connectorsNoncurrentVersionDays: must be between 1 and 3650/,
        ],
        ["no CORS origins", { corsAllowedOrigins: [] }, /^membrane:corsAllowedOrigins: must list at least one origin/],
        [
            "CORS origin with a path",
            { corsAllowedOrigins: ["https://app.acme.com/path"] },
            /^membrane:corsAllowedOrigins: "https:\/\/app.acme.com\/path" is not an origin/,
        ],
        [
            "CORS origin of a scheme browsers do not send",
            { corsAllowedOrigins: ["javascript://app.acme.com"] },
            /^membrane:corsAllowedOrigins: "javascript:\/\/app.acme.com" is not an origin/,
        ],
        [
            "CORS origin with two wildcards",
            { corsAllowedOrigins: ["https://*.*.acme.com"] },
            /is not an origin.*without wildcards in the host/,
        ],
        [
            "CORS origin with a subdomain wildcard",
            { corsAllowedOrigins: ["https://*.acme.com"] },
            /^membrane:corsAllowedOrigins: "https:\/\/\*.acme.com" is not an origin: "\*" or scheme:\/\/host\[:port\], without wildcards in the host$/,
        ],
    ];
    itRefuses(bad);

    it("reports every problem at once", () => {
        const problems = problemsOf({ environment: "Prod_Env", vpcId: "nope", vpcCidr: "x", privateSubnetIds: [] });
        expect(problems).to.have.lengthOf(4);
        expect(problems.map((p) => p.split(":")[1])).to.deep.equal(["environment", "vpcId", "vpcCidr", "privateSubnetIds"]);
    });

    it("puts every problem in the error message, one per line", () => {
        expect(() => readSettings(raw({ ...VALID, environment: "Prod_Env", vpcId: "nope" }))).to.throw(
            ConfigError,
            /invalid stack configuration:\n {2}- membrane:environment: .*\n {2}- membrane:vpcId: /,
        );
    });
});

describe("config: every refusal names its keys", () => {
    it("reads the keys a problem begins with, one or several, and none from a problem that names none", () => {
        expect(keysNamed('membrane:vpcId: must be a VPC id: "vpc-" and 8 or 17 hex digits (got "vpc-1")')).to.deep.equal([
            "membrane:vpcId",
        ]);
        expect(keysNamed("aws:region: is required and has no value")).to.deep.equal(["aws:region"]);
        expect(keysNamed("membrane:namePrefix, membrane:environment and membrane:regionInNames: make the bucket name x")).to.deep.equal([
            "membrane:namePrefix",
            "membrane:environment",
            "membrane:regionInNames",
        ]);
        expect(keysNamed("the bucket name is too long")).to.deep.equal([]);
        expect(keysNamed("membrane:vpcId must be a VPC id")).to.deep.equal([]);
    });
});

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { loadProject } from "../../../lib/stack-files";
import { PROJECT_DIR } from "../../../tools/engine";
import { readSettings, Settings } from "../../../components/settings";
import { atlasRegion } from "../../../components/database/atlas";
import type { AtlasDatabaseArgs, DatabaseArgs } from "../../../components/database/database";
import { ATLAS_ONLY_KEYS, databaseNameProblems } from "../../../components/database/settings";
import { configSections } from "../../../tools/config-docs";
import { ATLAS_KEYS_CHANGED, VALID, problemsOf, raw } from "../../harness";
import { itRefuses, Refusal, resolved } from "../../support/settings";

function parse(values: Record<string, unknown>, secretKeys: string[] = []): Settings {
    return readSettings(raw({ ...VALID, ...values }, secretKeys));
}

function atlasOf(c: DatabaseArgs): AtlasDatabaseArgs {
    expect(c.mode).to.equal("atlas");
    return c as AtlasDatabaseArgs;
}

describe("config: database", () => {
    it("takes Pulumi.yaml's defaults: Atlas, M10, MongoDB 8.0, database membrane, user membrane-app", () => {
        const c = parse({});
        expect(c.database).to.deep.equal({
            mode: "atlas",
            environment: "prod",
            production: false,
            project: { name: "membrane-prod", orgId: "5f1e2d3c4b5a697887766554" },
            adoptCluster: undefined,
            clusterName: "membrane-prod",
            regionName: "US_EAST_1",
            instanceSize: "M10",
            mongoVersion: "8.0",
            databaseName: "membrane",
            username: "membrane-app",
            accessCidrs: ["203.0.113.24/32"],
            privateLink: undefined,
        });
        expect(c.warnings).to.deep.equal([]);
        // With PrivateLink: ten minutes for Atlas's private-endpoint string, read every 30 seconds.
        expect(atlasOf(parse({ atlasPrivateLink: true }).database).privateLink?.wait).to.deep.equal({ attempts: 20, intervalSeconds: 30 });
    });

    it("waits 0 to 60 minutes for Atlas's private-endpoint string, nothing else", () => {
        const wait = (minutes: string) =>
            atlasOf(parse({ atlasPrivateLink: true, atlasPrivateEndpointWaitMinutes: minutes }).database).privateLink?.wait;
        // 0: one read, then the string is derived.
        expect(wait("0")).to.deep.equal({ attempts: 1, intervalSeconds: 30 });
        expect(wait("60")).to.deep.equal({ attempts: 120, intervalSeconds: 30 });
        expect(problemsOf({ atlasPrivateEndpointWaitMinutes: "61" })).to.deep.equal([
            "membrane:atlasPrivateEndpointWaitMinutes: must be between 0 and 60 (got 61)",
        ]);
        expect(problemsOf({ atlasPrivateEndpointWaitMinutes: "-1" })).to.deep.equal([
            "membrane:atlasPrivateEndpointWaitMinutes: must be between 0 and 60 (got -1)",
        ]);
    });

    it("takes every Atlas setting from config", () => {
        const atlas = atlasOf(
            parse({
                "aws:region": "ap-southeast-2",
                // Sydney has no default replica region: the bucket replicas go to Melbourne.
                s3ReplicaRegion: "ap-southeast-4",
                environment: "qa",
                atlasInstanceSize: "R200",
                mongoVersion: "7.0",
                mongoDatabase: "membrane-qa",
                mongoUsername: "qa.app@acme",
                atlasAccessCidrs: ["203.0.113.24/32", "198.51.100.16/28"],
                atlasPrivateLink: true,
            }).database,
        );
        expect(atlas).to.include({
            regionName: "AP_SOUTHEAST_2",
            instanceSize: "R200",
            mongoVersion: "7.0",
            databaseName: "membrane-qa",
            username: "qa.app@acme",
        });
        expect(atlas.project).to.deep.include({ name: "membrane-qa" });
        expect(atlas.privateLink).to.deep.include({ region: "ap-southeast-2" });
        expect(atlas.accessCidrs).to.deep.equal(["203.0.113.24/32", "198.51.100.16/28"]);
    });

    it("an existing project needs no organization, and the organization is then unused", () => {
        expect(atlasOf(parse({ atlasOrgId: "", atlasProjectId: "0123456789abcdef01234567" }).database).project).to.deep.equal({
            id: "0123456789abcdef01234567",
        });
        expect(atlasOf(parse({ atlasProjectId: "0123456789abcdef01234567" }).database).project).to.deep.equal({
            id: "0123456789abcdef01234567",
        });
    });

    it("PrivateLink needs no access list; both together are allowed", () => {
        expect(atlasOf(parse({ atlasPrivateLink: true, atlasAccessCidrs: [] }).database).accessCidrs).to.deep.equal([]);
        expect(problemsOf({ atlasPrivateLink: true })).to.deep.equal([]);
    });

    it("PrivateLink with an access list keeps both, and warns that the public path stays open, naming the entries", () => {
        const open = (c: Settings) => c.warnings.filter((w) => w.startsWith("membrane:atlasAccessCidrs lists"));
        const both = parse({ atlasPrivateLink: true, atlasAccessCidrs: ["203.0.113.24/32", "198.51.100.7/32"], production: true });
        expect(atlasOf(both.database).accessCidrs).to.deep.equal(["203.0.113.24/32", "198.51.100.7/32"]);
        expect(atlasOf(both.database).privateLink).to.not.equal(undefined);
        expect(open(both)).to.deep.equal([
            "membrane:atlasAccessCidrs lists 2 entries and membrane:atlasPrivateLink is true: the program creates both, so the cluster stays reachable over the internet from 203.0.113.24/32, 198.51.100.7/32 (its public access list), not through PrivateLink alone. Keep them only while clients move to the private endpoint (MONGO_URI already uses it), then set membrane:atlasAccessCidrs to [] and run pulumi up.",
        ]);
        expect(open(parse({ atlasPrivateLink: true, atlasAccessCidrs: [] }))).to.deep.equal([]);
        expect(open(parse({}))).to.deep.equal([]);
        // The key's description and docs/resources.md say the same: both kept, with the warning.
        const description = String(loadProject(PROJECT_DIR).config["membrane:atlasAccessCidrs"].description);
        expect(description).to.include("With atlasPrivateLink they are created too, with a warning").and.not.include("Unused");
        const resources = fs.readFileSync(path.join(PROJECT_DIR, "docs", "resources.md"), "utf8");
        expect(resources)
            .to.include("An access list can be kept alongside")
            .and.include("warns, naming them, that the cluster stays reachable");
    });

    // The program lets a test stack choose; the pack still refuses the entry unless its config lowers the policy.
    it("0.0.0.0/0 with the explicit override, outside production, is accepted, with a warning that the pack still refuses it", () => {
        const c = parse({ atlasAccessCidrs: ["0.0.0.0/0"], atlasAllowAnywhere: true });
        expect(atlasOf(c.database).accessCidrs).to.deep.equal(["0.0.0.0/0"]);
        expect(c.warnings).to.deep.equal([
            'membrane:atlasAllowAnywhere opens the Atlas access list to the whole internet: the policy pack\'s atlas-no-open-access-list (mandatory) still refuses it, so npm start and npm run check exit 1. For this short-lived test stack, lower it in the stack\'s policy config: pulumi up --policy-pack policy --policy-pack-config <file> with {"atlas-no-open-access-list": "advisory"}.',
        ]);
    });

    it("warns when the override is set but unused, and when a CIDR is very wide", () => {
        expect(parse({ atlasAllowAnywhere: true }).warnings).to.deep.equal([
            "membrane:atlasAllowAnywhere is true but membrane:atlasAccessCidrs does not list 0.0.0.0/0: it has no effect.",
        ]);
        expect(parse({ atlasAccessCidrs: ["8.0.0.0/8"] }).warnings).to.deep.equal([
            'membrane:atlasAccessCidrs: "8.0.0.0/8" admits 16777216 addresses; a NAT gateway\'s address is a /32.',
        ]);
    });

    it("warns about a public block wider than a /16: a /15 warns, a /16 does not", () => {
        expect(parse({ atlasAccessCidrs: ["52.0.0.0/15"] }).warnings).to.deep.equal([
            'membrane:atlasAccessCidrs: "52.0.0.0/15" admits 131072 addresses; a NAT gateway\'s address is a /32.',
        ]);
        expect(parse({ atlasAccessCidrs: ["52.0.0.0/16"] }).warnings).to.deep.equal([]);
    });

    it("refuses a non-public range itself, not only the blocks inside it", () => {
        const refused = (range: string, what: string) =>
            `membrane:atlasAccessCidrs: "${range}" is inside ${range}, ${what}: traffic from the VPC reaches Atlas from the NAT gateways' public addresses, so list those (for example 203.0.113.24/32); a private range on the access list admits nobody without VPC peering or PrivateLink (membrane:atlasPrivateLink)`;
        for (const [range, what] of [
            ["10.0.0.0/8", "a private (RFC 1918) range"],
            ["172.16.0.0/12", "a private (RFC 1918) range"],
            ["192.168.0.0/16", "a private (RFC 1918) range"],
            ["100.64.0.0/10", "the carrier-grade NAT range (RFC 6598)"],
            ["127.0.0.0/8", "the loopback range"],
            ["169.254.0.0/16", "the link-local range"],
            ["0.0.0.0/8", 'the "this network" range'],
        ]) {
            expect(problemsOf({ atlasAccessCidrs: [range] }), range).to.deep.equal([refused(range, what)]);
        }
    });

    const bad: Refusal[] = [
        [
            "no organization and no project",
            { atlasOrgId: "" },
            /^membrane:atlasOrgId: is required in atlas mode.*unless membrane:atlasProjectId/,
        ],
        [
            "an organization id that is too short",
            { atlasOrgId: "5f1e2d3c" },
            /^membrane:atlasOrgId: must be an Atlas organization id: 24 lowercase hex digits \(got "5f1e2d3c"\)$/,
        ],
        [
            "an organization id with uppercase hex",
            { atlasOrgId: "5F1E2D3C4B5A697887766554" },
            /^membrane:atlasOrgId: must be an Atlas organization id/,
        ],
        ["an organization id that is a name", { atlasOrgId: "acme-corp" }, /^membrane:atlasOrgId: must be an Atlas organization id/],
        [
            "a project id with a non-hex digit",
            { atlasProjectId: "0123456789abcdef0123456z" },
            /^membrane:atlasProjectId: must be an Atlas project id: 24 lowercase hex digits/,
        ],
        [
            "M0 (free)",
            { atlasInstanceSize: "M0" },
            /^membrane:atlasInstanceSize: must be a dedicated tier, M10 or larger: M0 is a shared\/Flex tier, which has no point-in-time recovery.*another resource shape \(got "M0"\)$/,
        ],
        ["M2", { atlasInstanceSize: "M2" }, /^membrane:atlasInstanceSize: must be a dedicated tier, M10 or larger: M2 /],
        ["M5", { atlasInstanceSize: "M5" }, /^membrane:atlasInstanceSize: must be a dedicated tier, M10 or larger: M5 /],
        ["Flex", { atlasInstanceSize: "FLEX" }, /^membrane:atlasInstanceSize: must be a dedicated tier, M10 or larger: FLEX /],
        ["an NVMe tier", { atlasInstanceSize: "M40_NVME" }, /^membrane:atlasInstanceSize: NVMe tiers need their own storage/],
        [
            "a lowercase tier",
            { atlasInstanceSize: "m10" },
            /^membrane:atlasInstanceSize: must be an Atlas dedicated tier on AWS: M10, M20.*\(got "m10"\)$/,
        ],
        ["an Azure-only tier", { atlasInstanceSize: "M90" }, /^membrane:atlasInstanceSize: must be an Atlas dedicated tier on AWS/],
        ["a low-CPU tier below R40", { atlasInstanceSize: "R20" }, /^membrane:atlasInstanceSize: must be an Atlas dedicated tier on AWS/],
        ["an EC2 instance type", { atlasInstanceSize: "m5.large" }, /^membrane:atlasInstanceSize: must be an Atlas dedicated tier on AWS/],
        [
            "MongoDB 6.0",
            { mongoVersion: "6.0" },
            /^membrane:mongoVersion: must be 7.0 or newer: Atlas no longer deploys older versions \(got "6.0"\)$/,
        ],
        ["MongoDB 4.4 (the vendor's floor)", { mongoVersion: "4.4" }, /^membrane:mongoVersion: must be 7.0 or newer/],
        ["a rapid release", { mongoVersion: "8.2" }, /^membrane:mongoVersion: must be a major release \(x.0\) such as 8.0/],
        [
            "a patch version",
            { mongoVersion: "8.0.4" },
            /^membrane:mongoVersion: must be a MongoDB major version such as 8.0 \(got "8.0.4"\)$/,
        ],
        ["a bare major", { mongoVersion: "8" }, /^membrane:mongoVersion: must be a MongoDB major version/],
        [
            "a database name with a dot",
            { mongoDatabase: "membrane.prod" },
            /^membrane:mongoDatabase: must not contain \/ \\ \. space " \$ or a null character \(got "membrane.prod"\)$/,
        ],
        ["a database name with a slash", { mongoDatabase: "a/b" }, /^membrane:mongoDatabase: must not contain/],
        ["a database name with a space", { mongoDatabase: "my db" }, /^membrane:mongoDatabase: must not contain/],
        ["a database name with a dollar", { mongoDatabase: "db$" }, /^membrane:mongoDatabase: must not contain/],
        ["a database name with a double quote", { mongoDatabase: 'db"x' }, /^membrane:mongoDatabase: must not contain/],
        ["an empty database name", { mongoDatabase: "" }, /^membrane:mongoDatabase: must be 1 to 63 characters/],
        [
            "a 64-character database name",
            { mongoDatabase: "d".repeat(64) },
            /^membrane:mongoDatabase: must be 1 to 63 characters: MongoDB database names are shorter than 64 \(got 64\)/,
        ],
        ["the admin database", { mongoDatabase: "admin" }, /^membrane:mongoDatabase: must not be MongoDB's reserved "admin" database/],
        ["the local database", { mongoDatabase: "local" }, /^membrane:mongoDatabase: must not be MongoDB's reserved "local"/],
        ["the config database", { mongoDatabase: "Config" }, /^membrane:mongoDatabase: must not be MongoDB's reserved "Config"/],
        ["an empty user name", { mongoUsername: "" }, /^membrane:mongoUsername: must be 1 to 64 letters, digits and \. _ @ \+ -/],
        ["a user name with a colon", { mongoUsername: "app:ro" }, /^membrane:mongoUsername: must be 1 to 64 letters/],
        ["a user name with a space", { mongoUsername: "membrane app" }, /^membrane:mongoUsername: must be 1 to 64 letters/],
        ["a user name starting with a hyphen", { mongoUsername: "-app" }, /^membrane:mongoUsername: must be 1 to 64 letters/],
        ["a 65-character user name", { mongoUsername: "u".repeat(65) }, /^membrane:mongoUsername: must be 1 to 64 letters/],
        [
            "no access list and no PrivateLink",
            { atlasAccessCidrs: [] },
            /^membrane:atlasAccessCidrs: is empty and membrane:atlasPrivateLink is false, so nothing could connect to the cluster: traffic from the VPC reaches Atlas from the NAT gateways' public addresses.*or set membrane:atlasPrivateLink: true$/,
        ],
        [
            "the VPC's private CIDR",
            { atlasAccessCidrs: ["10.20.0.0/16"] },
            /^membrane:atlasAccessCidrs: "10.20.0.0\/16" is inside 10.0.0.0\/8, a private \(RFC 1918\) range: traffic from the VPC reaches Atlas from the NAT gateways' public addresses.*without VPC peering or PrivateLink/,
        ],
        [
            "a 172.16/12 address",
            { atlasAccessCidrs: ["172.31.5.7/32"] },
            /"172.31.5.7\/32" is inside 172.16.0.0\/12, a private \(RFC 1918\) range/,
        ],
        [
            "a 192.168/16 range",
            { atlasAccessCidrs: ["192.168.1.0/24"] },
            /"192.168.1.0\/24" is inside 192.168.0.0\/16, a private \(RFC 1918\) range/,
        ],
        [
            "a carrier-grade NAT address",
            { atlasAccessCidrs: ["100.64.3.4/32"] },
            /"100.64.3.4\/32" is inside 100.64.0.0\/10, the carrier-grade NAT range/,
        ],
        ["loopback", { atlasAccessCidrs: ["127.0.0.1/32"] }, /"127.0.0.1\/32" is inside 127.0.0.0\/8, the loopback range/],
        [
            "link-local",
            { atlasAccessCidrs: ["169.254.169.254/32"] },
            /"169.254.169.254\/32" is inside 169.254.0.0\/16, the link-local range/,
        ],
        ["multicast", { atlasAccessCidrs: ["224.0.0.1/32"] }, /is inside 224.0.0.0\/4, the multicast range/],
        [
            "half the internet without the override",
            { atlasAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
            /^membrane:atlasAccessCidrs: "0.0.0.0\/1" admits 2147483648 addresses, a large share of the internet; .*membrane:atlasAllowAnywhere: true$/,
        ],
        [
            "a /7 without the override",
            { atlasAccessCidrs: ["52.0.0.0/7"] },
            /^membrane:atlasAccessCidrs: "52.0.0.0\/7" admits 33554432 addresses/,
        ],
        [
            "0.0.0.0/0 without the override",
            { atlasAccessCidrs: ["0.0.0.0/0"] },
            /^membrane:atlasAccessCidrs: "0.0.0.0\/0" admits the whole internet; .*set membrane:atlasAllowAnywhere: true$/,
        ],
        [
            "the override in production",
            { production: true, atlasAccessCidrs: ["0.0.0.0/0"], atlasAllowAnywhere: true },
            /^membrane:atlasAllowAnywhere: must be false in production/,
        ],
        [
            "a CIDR with host bits",
            { atlasAccessCidrs: ["203.0.113.24/24"] },
            /^membrane:atlasAccessCidrs: "203.0.113.24\/24" has host bits set/,
        ],
        ["a bare address", { atlasAccessCidrs: ["203.0.113.24"] }, /^membrane:atlasAccessCidrs: "203.0.113.24" must be an IPv4 CIDR block/],
        [
            "an IPv6 CIDR",
            { atlasAccessCidrs: ["2001:db8::/32"] },
            /^membrane:atlasAccessCidrs: "2001:db8::\/32" must be an IPv4 CIDR block/,
        ],
        [
            "a duplicate CIDR",
            { atlasAccessCidrs: ["203.0.113.24/32", "203.0.113.24/32"] },
            /^membrane:atlasAccessCidrs: lists "203\.0\.113\.24\/32" more than once$/,
        ],
        [
            "more entries than Atlas allows",
            { atlasAccessCidrs: Array.from({ length: 201 }, (_, i) => `198.${Math.floor(i / 256) + 18}.${i % 256}.0/24`) },
            /^membrane:atlasAccessCidrs: lists 201 entries; Atlas allows 200 per project$/,
        ],
        [
            "an AWS region Atlas does not serve",
            { "aws:region": "us-gov-west-1" },
            /^aws:region: Atlas has no dedicated clusters in AWS region "us-gov-west-1", so the cluster cannot follow the VPC there.*GovCloud needs Atlas for Government\)$/,
        ],
        ["a China region", { "aws:region": "cn-north-1" }, /^aws:region: Atlas has no dedicated clusters in AWS region "cn-north-1"/],
        [
            "an environment that makes the cluster name longer than Atlas allows",
            { namePrefix: "", environment: "e".repeat(60) },
            /^membrane:environment: makes the Atlas project and cluster name "membrane-e{60}", 69 characters long; Atlas allows 64$/,
        ],
        [
            "a database mode that does not exist",
            { databaseMode: "documentdb" },
            /^membrane:databaseMode: must be one of atlas, external \(got "documentdb"\)$/,
        ],
        [
            "a plain-text external URI, even in atlas mode",
            { externalMongoUri: "mongodb+srv://u:p@h/db" },
            /^membrane:externalMongoUri: holds a plain-text value; store it encrypted/,
        ],
    ];
    itRefuses(bad);

    it("reports every database problem at once", () => {
        const problems = problemsOf({
            atlasOrgId: "",
            atlasInstanceSize: "M0",
            mongoVersion: "6.0",
            mongoDatabase: "admin",
            atlasAccessCidrs: ["10.0.0.0/16"],
        });
        expect(problems.map((p) => p.split(":")[1])).to.deep.equal([
            "atlasOrgId",
            "atlasInstanceSize",
            "mongoVersion",
            "mongoDatabase",
            "atlasAccessCidrs",
        ]);
    });

    describe("external mode", () => {
        const URI = "mongodb+srv://app:hunter2@db.example.com/membrane";

        it("takes the secret URI, and warns that the Atlas keys set are ignored", async () => {
            const c = parse({ databaseMode: "external", externalMongoUri: URI }, ["externalMongoUri"]);
            expect(c.database.mode).to.equal("external");
            expect(await resolved(c.database.mode === "external" ? c.database.mongoUri : undefined)).to.deep.equal({
                value: URI,
                secret: true,
            });
            expect(c.warnings).to.deep.equal([
                "membrane:databaseMode is external, so membrane:atlasOrgId, membrane:atlasAccessCidrs are ignored.",
            ]);
        });

        it("needs no Atlas key at all, and accepts a mongodb:// URI", () => {
            const c = parse(
                {
                    databaseMode: "external",
                    externalMongoUri: "mongodb://app:pw@10.0.1.5:27017,10.0.2.5:27017/membrane?replicaSet=rs0",
                    atlasOrgId: "",
                    atlasAccessCidrs: [],
                    mongoVersion: "4.4",
                },
                ["externalMongoUri"],
            );
            expect(c.database.mode).to.equal("external");
            // A version Atlas would refuse is not refused here, only named as ignored.
            expect(c.warnings).to.deep.equal(["membrane:databaseMode is external, so membrane:mongoVersion is ignored."]);
        });

        it("names every Atlas key the stack sets as ignored, and none left at Pulumi.yaml's default", () => {
            const atlasSet = parse({ databaseMode: "external", externalMongoUri: URI, ...ATLAS_KEYS_CHANGED }, ["externalMongoUri"]);
            expect(Object.keys(ATLAS_KEYS_CHANGED)).to.have.members([...ATLAS_ONLY_KEYS]);
            expect(atlasSet.warnings).to.deep.equal([
                `membrane:databaseMode is external, so ${ATLAS_ONLY_KEYS.map((k) => `membrane:${k}`).join(", ")} are ignored.`,
            ]);
            const project = loadProject(PROJECT_DIR);
            const atDefaults = Object.fromEntries(ATLAS_ONLY_KEYS.map((k) => [k, project.config[`membrane:${k}`].default]));
            expect(parse({ databaseMode: "external", externalMongoUri: URI, ...atDefaults }, ["externalMongoUri"]).warnings).to.deep.equal(
                [],
            );
        });

        it("Pulumi.yaml's Database section (docs/configuration.md) lists exactly the keys external mode ignores", () => {
            const intro = configSections(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")).find(
                (s) => s.title === "Database",
            )!.intro;
            const declared = Object.keys(loadProject(PROJECT_DIR).config).map((k) => k.replace(/^membrane:/, ""));
            const named = [...intro.matchAll(/[A-Za-z]+/g)].map((m) => m[0]).filter((w) => declared.includes(w) && w !== "databaseMode");
            expect(named).to.have.members([...ATLAS_ONLY_KEYS, "existingAtlasProjectId", "existingAtlasClusterName"]);
        });

        it("refuses a missing URI", () => {
            expect(problemsOf({ databaseMode: "external" })).to.deep.equal([
                "membrane:externalMongoUri: is required when membrane:databaseMode is external: pulumi config set --secret membrane:externalMongoUri 'mongodb+srv://...'",
            ]);
        });

        it("refuses a plain-text URI without echoing it", () => {
            const problems = problemsOf({ databaseMode: "external", externalMongoUri: URI });
            expect(problems).to.deep.equal([
                "membrane:externalMongoUri: holds a plain-text value; store it encrypted: pulumi config set --secret membrane:externalMongoUri <value> (for one offline run: npm start -- --secret membrane:externalMongoUri=<value>)",
            ]);
            expect(problems.join("\n")).to.not.include("hunter2");
        });

        for (const uri of [
            "postgres://app:hunter2@db.example.com/membrane",
            "https://hunter2.example.com",
            "mongodb+srv:///hunter2",
            "mongodb:// hunter2",
            "hunter2.example.com:27017",
        ]) {
            it(`refuses ${uri.replace(/hunter2/, "…")} without echoing it`, () => {
                const problems = problemsOf({ databaseMode: "external", externalMongoUri: uri }, ["externalMongoUri"]);
                expect(problems).to.deep.equal([
                    "membrane:externalMongoUri: must be a mongodb:// or mongodb+srv:// URI with a host (the value is secret and not shown)",
                ]);
                expect(problems.join("\n")).to.not.include("hunter2");
            });
        }

        it("skips every Atlas rule", () => {
            expect(
                problemsOf(
                    {
                        databaseMode: "external",
                        externalMongoUri: URI,
                        atlasOrgId: "",
                        atlasAccessCidrs: [],
                        atlasInstanceSize: "M0",
                        "aws:region": "us-gov-west-1",
                    },
                    ["externalMongoUri"],
                ),
            ).to.deep.equal([]);
        });
    });

    it("atlas mode warns that a secret external URI is ignored", () => {
        expect(parse({ externalMongoUri: "mongodb://h/db" }, ["externalMongoUri"]).warnings).to.deep.equal([
            "membrane:externalMongoUri is set but membrane:databaseMode is atlas: it is ignored.",
        ]);
    });
});

describe("config: AWS region -> Atlas region", () => {
    const mapped: Array<[string, string]> = [
        ["us-east-1", "US_EAST_1"],
        ["us-east-2", "US_EAST_2"],
        ["us-west-1", "US_WEST_1"],
        ["us-west-2", "US_WEST_2"],
        ["ca-central-1", "CA_CENTRAL_1"],
        ["ca-west-1", "CA_WEST_1"],
        ["mx-central-1", "MX_CENTRAL_1"],
        ["sa-east-1", "SA_EAST_1"],
        ["eu-west-1", "EU_WEST_1"],
        ["eu-west-2", "EU_WEST_2"],
        ["eu-west-3", "EU_WEST_3"],
        ["eu-central-1", "EU_CENTRAL_1"],
        ["eu-central-2", "EU_CENTRAL_2"],
        ["eu-north-1", "EU_NORTH_1"],
        ["eu-south-1", "EU_SOUTH_1"],
        ["eu-south-2", "EU_SOUTH_2"],
        ["ap-east-1", "AP_EAST_1"],
        ["ap-east-2", "AP_EAST_2"],
        ["ap-northeast-1", "AP_NORTHEAST_1"],
        ["ap-northeast-2", "AP_NORTHEAST_2"],
        ["ap-northeast-3", "AP_NORTHEAST_3"],
        ["ap-south-1", "AP_SOUTH_1"],
        ["ap-south-2", "AP_SOUTH_2"],
        ["ap-southeast-1", "AP_SOUTHEAST_1"],
        ["ap-southeast-2", "AP_SOUTHEAST_2"],
        ["ap-southeast-3", "AP_SOUTHEAST_3"],
        ["ap-southeast-4", "AP_SOUTHEAST_4"],
        ["ap-southeast-5", "AP_SOUTHEAST_5"],
        ["ap-southeast-6", "AP_SOUTHEAST_6"],
        ["ap-southeast-7", "AP_SOUTHEAST_7"],
        ["me-south-1", "ME_SOUTH_1"],
        ["me-central-1", "ME_CENTRAL_1"],
        ["il-central-1", "IL_CENTRAL_1"],
        ["af-south-1", "AF_SOUTH_1"],
    ];
    for (const [aws, atlas] of mapped) {
        it(`${aws} -> ${atlas}`, () => {
            expect(atlasRegion(aws)).to.equal(atlas);
        });
    }
    for (const aws of [
        "us-gov-west-1",
        "us-gov-east-1",
        "cn-north-1",
        "cn-northwest-1",
        "eu-isoe-west-1",
        "us-east-9",
        "US_EAST_1",
        "toString",
        "",
    ]) {
        it(`${aws || "(empty)"} -> unmapped`, () => {
            expect(atlasRegion(aws)).to.equal(undefined);
        });
    }
});

describe("config: MongoDB database names", () => {
    it("accepts the vendor's two spellings", () => {
        expect(databaseNameProblems("membrane")).to.deep.equal([]);
        expect(databaseNameProblems("membrane-prod")).to.deep.equal([]);
        expect(databaseNameProblems("d".repeat(63))).to.deep.equal([]);
    });
    it("reports every rule a name breaks", () => {
        expect(databaseNameProblems("admin")).to.have.lengthOf(1);
        expect(databaseNameProblems(`${"x".repeat(70)}.y`)).to.have.lengthOf(2);
    });
});

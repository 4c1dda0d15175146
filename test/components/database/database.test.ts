import { expect } from "chai";
import { derivedPrivateEndpointSrv, mongoUri, privateEndpointSrv } from "../../../components/database/database";
import { Evaluation, ProgramError, RegisteredResource } from "../../../tools/engine";
import { ATLAS_ONLY_KEYS } from "../../../components/database/settings";
import { ATLAS_KEYS_CHANGED, byType, childrenOf, COMPONENT_ACCOUNT, evaluate, fixtureStack, one, oneIn, programError } from "../../harness";

const T = {
    component: "membrane:database:Database",
    project: "mongodbatlas:index/project:Project",
    cluster: "mongodbatlas:index/advancedCluster:AdvancedCluster",
    user: "mongodbatlas:index/databaseUser:DatabaseUser",
    password: "random:index/randomPassword:RandomPassword",
    access: "mongodbatlas:index/projectIpAccessList:ProjectIpAccessList",
    endpoint: "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint",
    endpointService: "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    getCluster: "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster",
};
const TAGS = { Environment: "qa", Service: "membrane" };
// Every other way to write a security group rule: none may appear next to the ingress rule.
const OTHER_RULE_TYPES = ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"];

function evaluateDatabase(which: string, production = false): Promise<Evaluation> {
    return evaluate({
        stack: "staging",
        program: "test/programs/database.ts",
        cloud: COMPONENT_ACCOUNT,
        env: { MEMBRANE_TEST_DB: which, MEMBRANE_TEST_PRODUCTION: String(production) },
    });
}

const atlasResources = (ev: Evaluation) => ev.resources.filter((r) => r.type.startsWith("mongodbatlas:"));
const hostOf = (srv: unknown) => String(srv).replace(/^mongodb\+srv:\/\//, "");

describe("MONGO_URI", () => {
    it("percent-encodes a user and a password that hold URI delimiters", () => {
        const uri = mongoUri("app+ops@acme", "p@ss:w/rd?#&%+", "mongodb+srv://cluster0.abcde.mongodb.net", "membrane");
        expect(uri).to.equal(
            "mongodb+srv://app%2Bops%40acme:p%40ss%3Aw%2Frd%3F%23%26%25%2B@cluster0.abcde.mongodb.net/membrane?retryWrites=true&w=majority",
        );
        const parsed = new URL(uri);
        expect(parsed.hostname).to.equal("cluster0.abcde.mongodb.net");
        expect(decodeURIComponent(parsed.username)).to.equal("app+ops@acme");
        expect(decodeURIComponent(parsed.password)).to.equal("p@ss:w/rd?#&%+");
        expect(parsed.pathname).to.equal("/membrane");
        expect(Object.fromEntries(parsed.searchParams)).to.deep.equal({ retryWrites: "true", w: "majority" });
    });

    it("percent-encodes a database name that holds URI delimiters, which MongoDB allows in names", () => {
        const uri = mongoUri("app", "pw", "mongodb+srv://cluster0.abcde.mongodb.net", "acme?#@:%[]&+db");
        expect(uri).to.equal(
            "mongodb+srv://app:pw@cluster0.abcde.mongodb.net/acme%3F%23%40%3A%25%5B%5D%26%2Bdb?retryWrites=true&w=majority",
        );
        const parsed = new URL(uri);
        expect(decodeURIComponent(parsed.pathname.slice(1))).to.equal("acme?#@:%[]&+db");
        expect(Object.fromEntries(parsed.searchParams)).to.deep.equal({ retryWrites: "true", w: "majority" });
    });

    it("keeps a plain user, password and database as they are", () => {
        expect(mongoUri("membrane-app", "Abc123-_.~", "mongodb+srv://membrane-prod-pl-0.x1y2z.mongodb.net/", "membrane-prod")).to.equal(
            "mongodb+srv://membrane-app:Abc123-_.~@membrane-prod-pl-0.x1y2z.mongodb.net/membrane-prod?retryWrites=true&w=majority",
        );
    });

    for (const bad of [
        "mongodb://cluster0.abcde.mongodb.net:27017",
        "mongodb+srv://u:p@cluster0.abcde.mongodb.net",
        "mongodb+srv://cluster0.abcde.mongodb.net/admin",
        "",
        "<cluster.standardSrv>",
    ]) {
        it(`refuses ${bad || "an empty string"} as Atlas's SRV string`, () => {
            expect(() => mongoUri("u", "p", bad, "db")).to.throw(/expected an SRV connection string such as mongodb\+srv:\/\/cluster0/);
        });
    }

    it("takes the private-endpoint SRV string of this interface endpoint, not another's; none while Atlas has not published it", () => {
        const strings = {
            privateEndpoints: [
                { srvConnectionString: "mongodb+srv://c-pl-0.abcde.mongodb.net", endpoints: [{ endpointId: "vpce-other" }] },
                { srvConnectionString: "mongodb+srv://c-pl-1.abcde.mongodb.net", endpoints: [{ endpointId: "vpce-ours" }] },
            ],
        };
        expect(privateEndpointSrv(strings, "vpce-ours")).to.equal("mongodb+srv://c-pl-1.abcde.mongodb.net");
        expect(privateEndpointSrv(strings, "vpce-missing")).to.equal(undefined);
        expect(privateEndpointSrv({ privateEndpoints: [] }, "vpce-ours")).to.equal(undefined);
        // What Atlas answers before any private endpoint covers the cluster's region.
        expect(privateEndpointSrv({ privateEndpoints: null } as any, "vpce-ours")).to.equal(undefined);
        expect(privateEndpointSrv({ privateEndpoints: [{ srvConnectionString: "x", endpoints: null }] } as any, "vpce-ours")).to.equal(
            undefined,
        );
        expect(
            privateEndpointSrv({ privateEndpoints: [{ srvConnectionString: "", endpoints: [{ endpointId: "vpce-ours" }] }] }, "vpce-ours"),
        ).to.equal(undefined);
    });

    for (const [standard, derived] of [
        ["mongodb+srv://membrane-prod.ab1cd.mongodb.net", "mongodb+srv://membrane-prod-pl-0.ab1cd.mongodb.net"],
        ["mongodb+srv://cluster0.k45tj.mongodb.net/", "mongodb+srv://cluster0-pl-0.k45tj.mongodb.net"],
        ["mongodb+srv://integration-app-cluster.x9y8z.mongodb.net", "mongodb+srv://integration-app-cluster-pl-0.x9y8z.mongodb.net"],
    ]) {
        it(`derives the private-endpoint string as Atlas forms it: ${standard} -> ${derived}`, () => {
            expect(derivedPrivateEndpointSrv(standard)).to.equal(derived);
        });
    }

    for (const bad of ["", "mongodb://cluster0.abcde.mongodb.net:27017", "mongodb+srv://localhost", "<cluster.standardSrv>"]) {
        it(`refuses to derive a private-endpoint string from ${bad || "an empty string"}`, () => {
            expect(() => derivedPrivateEndpointSrv(bad)).to.throw(/expected Atlas's standard SRV string/);
        });
    }
});

describe("Database on its own", () => {
    const ev: Record<string, Evaluation> = {};
    before(async () => {
        const [accessList, production, privateLink, existing, external, externalPlain] = await Promise.all([
            evaluateDatabase("access-list"),
            evaluateDatabase("access-list", true),
            evaluateDatabase("private-link"),
            evaluateDatabase("existing-project"),
            evaluateDatabase("external"),
            evaluateDatabase("external-plain"),
        ]);
        Object.assign(ev, { accessList, production, privateLink, existing, external, externalPlain });
    });

    describe("Atlas with an IP access list", () => {
        it("is a membrane:database:Database component that parents every resource it creates", () => {
            const component = one(ev.accessList, T.component, "db");
            const custom = ev.accessList.resources.filter((r) => r.custom);
            expect(custom.length).to.equal(childrenOf(ev.accessList, component).length);
            for (const r of custom) {
                expect(r.parent, r.name).to.equal(component.urn);
                expect(r.name, r.type).to.match(/^db-/);
            }
        });

        it("creates the project membrane-<environment> in the organization, tagged", () => {
            const project = oneIn(ev.accessList, T.component, T.project);
            expect(project.inputs).to.deep.include({ name: "membrane-qa", orgId: "0123456789abcdef01234567", tags: TAGS });
        });

        it("creates an AdvancedCluster: 3-node replica set on AWS in the region, tier and version, backups, PIT, disk auto-scaling", () => {
            const project = oneIn(ev.accessList, T.component, T.project);
            const cluster = oneIn(ev.accessList, T.component, T.cluster);
            expect(cluster.inputs).to.deep.include({
                name: "membrane-qa",
                clusterType: "REPLICASET",
                mongoDbMajorVersion: "7.0",
                backupEnabled: true,
                pitEnabled: true,
                terminationProtectionEnabled: false,
                tags: TAGS,
            });
            expect(cluster.inputs.projectId).to.be.a("string").and.not.equal("");
            expect(cluster.inputs.replicationSpecs).to.deep.equal([
                {
                    regionConfigs: [
                        {
                            providerName: "AWS",
                            regionName: "EU_WEST_1",
                            priority: 7,
                            electableSpecs: { instanceSize: "M30", nodeCount: 3 },
                            autoScaling: { diskGbEnabled: true },
                        },
                    ],
                },
            ]);
            expect(cluster.dependencies).to.include(project.urn);
        });

        // mongodbatlas v4 documents TLS1_2 and TLS1_3; left unset, the cluster keeps whatever Atlas defaulted it to.
        it("sets the cluster's minimum TLS version explicitly, to TLS 1.2", () => {
            const cluster = oneIn(ev.accessList, T.component, T.cluster);
            expect(cluster.inputs.advancedConfiguration).to.deep.equal({ minimumEnabledTlsProtocol: "TLS1_2" });
        });

        it("outside production: no termination protection, nothing protected by Pulumi", () => {
            for (const r of [oneIn(ev.accessList, T.component, T.project), oneIn(ev.accessList, T.component, T.cluster)]) {
                expect(r.protect, r.name).to.equal(false);
                expect(r.retainOnDelete, r.name).to.equal(false);
            }
        });

        it("generates the password with @pulumi/random and keeps it secret", () => {
            const password = oneIn(ev.accessList, T.component, T.password);
            // Exactly these: a changed or added input generates a new password.
            expect(password.inputs).to.deep.equal({
                length: 40,
                special: true,
                overrideSpecial: "-_.~",
                minLower: 1,
                minUpper: 1,
                minNumeric: 1,
            });
            expect(password.secretOutputs).to.include("result");
        });

        it("creates the user against admin, readWrite on the application database only, scoped to this cluster, with the secret password", () => {
            const user = oneIn(ev.accessList, T.component, T.user);
            const password = oneIn(ev.accessList, T.component, T.password);
            const cluster = oneIn(ev.accessList, T.component, T.cluster);
            expect(user.inputs).to.deep.include({
                projectId: cluster.inputs.projectId,
                username: "qa-app",
                authDatabaseName: "admin",
                roles: [{ roleName: "readWrite", databaseName: "membrane-qa" }],
                scopes: [{ name: "membrane-qa", type: "CLUSTER" }],
            });
            expect(user.inputs.password).to.equal(password.outputs.result);
            expect(user.secretInputs).to.deep.equal(["password"]);
            expect(user.dependencies).to.include.members([cluster.urn, password.urn]);
        });

        it("puts each public CIDR on the project's access list, with a comment, named after the CIDR", () => {
            const entries = byType(ev.accessList, T.access);
            expect(entries.map((e) => [e.name, e.inputs])).to.deep.equal([
                [
                    "db-access-203-0-113-24-32",
                    {
                        projectId: oneIn(ev.accessList, T.component, T.cluster).inputs.projectId,
                        cidrBlock: "203.0.113.24/32",
                        comment: "membrane-qa: from membrane:atlasAccessCidrs",
                    },
                ],
                [
                    "db-access-198-51-100-0-28",
                    {
                        projectId: oneIn(ev.accessList, T.component, T.cluster).inputs.projectId,
                        cidrBlock: "198.51.100.0/28",
                        comment: "membrane-qa: from membrane:atlasAccessCidrs",
                    },
                ],
            ]);
            for (const e of entries) {
                expect(String(e.inputs.comment).length, "Atlas comments are at most 80 characters").to.be.at.most(80);
            }
        });

        it("creates no PrivateLink resources and reads no data source", () => {
            for (const t of [T.endpoint, T.endpointService, T.vpcEndpoint, T.securityGroup, T.ingress]) {
                expect(byType(ev.accessList, t), t).to.deep.equal([]);
            }
            expect(ev.accessList.invokes).to.deep.equal([]);
        });

        it("builds MONGO_URI from the cluster's standard SRV string, and registers it secret", () => {
            const cluster = oneIn(ev.accessList, T.component, T.cluster);
            const password = String(oneIn(ev.accessList, T.component, T.password).outputs.result);
            const host = hostOf((cluster.outputs.connectionStrings as any).standardSrv);
            const component = one(ev.accessList, T.component);
            expect(component.outputs.mongoUri).to.equal(`mongodb+srv://qa-app:${password}@${host}/membrane-qa?retryWrites=true&w=majority`);
            expect(component.secretOutputs).to.deep.equal(["mongoUri"]);
            expect(ev.accessList.outputs.mongoUri.secret).to.equal(true);
            expect(component.outputs).to.have.keys("mongoUri", "projectId", "clusterName");
            expect(component.outputs).to.deep.include({ projectId: cluster.inputs.projectId, clusterName: "membrane-qa" });
        });
    });

    it("in production: termination protection on, and Pulumi protects and retains the project and the cluster", () => {
        const cluster = oneIn(ev.production, T.component, T.cluster);
        expect(cluster.inputs.terminationProtectionEnabled).to.equal(true);
        for (const r of [oneIn(ev.production, T.component, T.project), cluster]) {
            expect(r.protect, r.name).to.equal(true);
            expect(r.retainOnDelete, r.name).to.equal(true);
        }
        for (const r of [T.user, T.password, T.access].flatMap((t) => byType(ev.production, t))) {
            expect(r.protect, r.name).to.equal(false);
        }
    });

    it("with an existing project: creates no project and puts everything in the given one", () => {
        expect(byType(ev.existing, T.project)).to.deep.equal([]);
        for (const r of [...byType(ev.existing, T.cluster), ...byType(ev.existing, T.user), ...byType(ev.existing, T.access)]) {
            expect(r.inputs.projectId, r.name).to.equal("fedcba9876543210fedcba98");
        }
    });

    describe("Atlas over PrivateLink", () => {
        let endpoint: RegisteredResource;
        let sg: RegisteredResource;
        let vpce: RegisteredResource;
        let service: RegisteredResource;
        before(() => {
            endpoint = oneIn(ev.privateLink, T.component, T.endpoint, "db-private-link");
            sg = oneIn(ev.privateLink, T.component, T.securityGroup, "db-endpoint-sg");
            vpce = oneIn(ev.privateLink, T.component, T.vpcEndpoint, "db-vpc-endpoint");
            service = oneIn(ev.privateLink, T.component, T.endpointService, "db-private-link-service");
        });

        it("creates Atlas's private endpoint service for AWS in the cluster's region", () => {
            expect(endpoint.inputs).to.deep.equal({
                projectId: oneIn(ev.privateLink, T.component, T.cluster).inputs.projectId,
                providerName: "AWS",
                region: "EU_WEST_1",
            });
        });

        it("gives the interface endpoint its own security group, named after the environment, with no inline rules", () => {
            expect(sg.inputs).to.not.have.any.keys("ingress", "egress");
            expect(sg.inputs).to.deep.include({
                namePrefix: "membrane-qa-atlas-endpoint-",
                vpcId: "vpc-0a1b2c3d",
                description: "Atlas PrivateLink endpoint of membrane-qa",
                tags: { ...TAGS, Name: "membrane-qa-atlas-endpoint" },
            });
        });

        it("admits Atlas's port range from the VPC CIDR only, as a separate described rule, and has no egress rule", () => {
            const rules = byType(ev.privateLink, T.ingress);
            expect(rules.map((r) => r.name)).to.deep.equal(["db-endpoint-ingress-vpc"]);
            expect(rules[0].inputs).to.deep.include({
                securityGroupId: (sg.outputs.arn as string).split("/")[1],
                description: "MongoDB from the VPC to the Atlas private endpoint (Atlas maps each node to a port in 1024-65535)",
                ipProtocol: "tcp",
                fromPort: 1024,
                toPort: 65535,
                cidrIpv4: "10.40.0.0/16",
            });
            expect(rules[0].inputs).to.not.have.any.keys("cidrIpv6", "prefixListId", "referencedSecurityGroupId");
            for (const type of OTHER_RULE_TYPES) {
                expect(byType(ev.privateLink, type), type).to.deep.equal([]);
            }
        });

        it("creates an interface VPC endpoint to Atlas's service in the private subnets", () => {
            expect(vpce.inputs).to.deep.include({
                vpcId: "vpc-0a1b2c3d",
                serviceName: endpoint.outputs.endpointServiceName,
                vpcEndpointType: "Interface",
                subnetIds: ["subnet-0a1b2c3d", "subnet-0e1f2a3b"],
                securityGroupIds: [(oneIn(ev.privateLink, T.component, T.securityGroup).outputs.arn as string).split("/")[1]],
                tags: { ...TAGS, Name: "membrane-qa-atlas" },
            });
            // The endpoint moves into a group only once the group admits the VPC.
            expect(vpce.dependencies).to.include.members([endpoint.urn, sg.urn, oneIn(ev.privateLink, T.component, T.ingress).urn]);
        });

        it("links the VPC endpoint to Atlas's service", () => {
            expect(service.inputs).to.deep.include({
                projectId: endpoint.inputs.projectId,
                privateLinkId: endpoint.outputs.privateLinkId,
                endpointServiceId: one(ev.privateLink, T.component).outputs.vpcEndpointId,
                providerName: "AWS",
            });
            expect(service.inputs.endpointServiceId).to.be.a("string");
            expect(service.dependencies).to.include.members([endpoint.urn, vpce.urn]);
        });

        it("reads the cluster once, after the endpoint service, and builds MONGO_URI from this endpoint's private SRV string", () => {
            const cluster = oneIn(ev.privateLink, T.component, T.cluster);
            expect(ev.privateLink.invokes.filter((i) => i.token === T.getCluster)).to.deep.equal([
                { token: T.getCluster, inputs: { projectId: cluster.inputs.projectId, name: "membrane-qa" } },
            ]);
            // The offline Atlas, like the real one, lists a private-endpoint string only once an endpoint service is
            // linked: a read before the service would leave none, and the program would fail.
            const component = one(ev.privateLink, T.component);
            const password = String(oneIn(ev.privateLink, T.component, T.password).outputs.result);
            const standard = hostOf((cluster.outputs.connectionStrings as any).standardSrv);
            const privateHost = standard.replace(/^membrane-qa\./, "membrane-qa-pl-0.");
            expect(component.outputs.mongoUri).to.equal(
                `mongodb+srv://qa-app:${password}@${privateHost}/membrane-qa?retryWrites=true&w=majority`,
            );
            expect(component.secretOutputs).to.include("mongoUri");
            expect(component.outputs.vpcEndpointId).to.equal(service.inputs.endpointServiceId);
        });

        it("opens no IP access list", () => {
            expect(byType(ev.privateLink, T.access)).to.deep.equal([]);
        });
    });

    it("external mode: no resource at all, and the given URI as a secret", () => {
        const component = one(ev.external, T.component, "db");
        expect(ev.external.resources.filter((r) => r.custom)).to.deep.equal([]);
        expect(ev.external.invokes).to.deep.equal([]);
        expect(component.outputs).to.deep.equal({ mongoUri: "mongodb://app:s3cret@mongo.internal.example:27017/membrane?replicaSet=rs0" });
        expect(component.secretOutputs).to.deep.equal(["mongoUri"]);
        expect(ev.external.outputs.mongoUri.secret).to.equal(true);
    });

    it("external mode: a URI handed over as a plain value still comes out a secret", () => {
        const component = one(ev.externalPlain, T.component, "db");
        expect(component.outputs).to.deep.equal({ mongoUri: "mongodb://app:s3cret@mongo.internal.example:27017/membrane?replicaSet=rs0" });
        expect(component.secretOutputs).to.deep.equal(["mongoUri"]);
        expect(ev.externalPlain.outputs.mongoUri).to.deep.equal({
            value: "mongodb://app:s3cret@mongo.internal.example:27017/membrane?replicaSet=rs0",
            secret: true,
        });
    });
});

const onlyStack = (err: ProgramError) => err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"));

describe("the fixture stacks: database", () => {
    const stacks: Record<string, Evaluation> = {};
    before(async () => {
        const [prod, staging] = await Promise.all([fixtureStack("prod"), fixtureStack("staging")]);
        Object.assign(stacks, { prod, staging });
    });

    it("prod: Atlas over PrivateLink in US_EAST_1, M10, MongoDB 8.0, protected, no access list", () => {
        const ev = stacks.prod;
        const cluster = oneIn(ev, T.component, T.cluster, "database-cluster");
        expect(cluster.inputs).to.deep.include({ name: "membrane-prod", terminationProtectionEnabled: true, mongoDbMajorVersion: "8.0" });
        expect((cluster.inputs.replicationSpecs as any)[0].regionConfigs[0]).to.deep.include({
            regionName: "US_EAST_1",
            electableSpecs: { instanceSize: "M10", nodeCount: 3 },
        });
        expect(cluster.protect).to.equal(true);
        expect(oneIn(ev, T.component, T.project, "database-project").inputs).to.deep.include({
            name: "membrane-prod",
            orgId: "5f1e2d3c4b5a697887766554",
        });
        expect(oneIn(ev, T.component, T.vpcEndpoint).inputs.subnetIds).to.deep.equal([
            "subnet-0a1b2c3d4e5f60001",
            "subnet-0a1b2c3d4e5f60002",
            "subnet-0a1b2c3d4e5f60003",
        ]);
        expect(oneIn(ev, T.component, T.ingress).inputs).to.deep.include({ cidrIpv4: "10.20.0.0/16", fromPort: 1024, toPort: 65535 });
        oneIn(ev, T.component, T.endpointService);
        expect(byType(ev, T.access)).to.deep.equal([]);
        expect(oneIn(ev, T.component, T.user).inputs.roles).to.deep.equal([{ roleName: "readWrite", databaseName: "membrane" }]);
    });

    it("staging: Atlas in EU_WEST_1 with the NAT gateway's address on the access list, nothing protected", () => {
        const ev = stacks.staging;
        const cluster = oneIn(ev, T.component, T.cluster);
        expect((cluster.inputs.replicationSpecs as any)[0].regionConfigs[0].regionName).to.equal("EU_WEST_1");
        expect(cluster.protect).to.equal(false);
        expect(cluster.inputs.terminationProtectionEnabled).to.equal(false);
        expect(byType(ev, T.access).map((a) => a.inputs.cidrBlock)).to.deep.equal(["203.0.113.24/32"]);
        expect(byType(ev, T.endpoint)).to.deep.equal([]);
    });

    for (const stack of ["prod", "staging"]) {
        it(`${stack}: exports MONGO_URI as a secret, with the user, the generated password and the database`, () => {
            const out = stacks[stack].outputs.MONGO_URI;
            expect(out.secret).to.equal(true);
            const password = String(oneIn(stacks[stack], T.component, T.password).outputs.result);
            const host = stack === "prod" ? /membrane-prod-pl-0\.[a-z0-9]{5}\.mongodb\.net/ : /membrane-staging\.[a-z0-9]{5}\.mongodb\.net/;
            expect(out.value).to.match(
                new RegExp(
                    `^mongodb\\+srv://membrane-app:${password.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}@${host.source}/membrane\\?retryWrites=true&w=majority$`,
                ),
            );
            expect(oneIn(stacks[stack], T.component, T.user).secretInputs).to.deep.equal(["password"]);
        });
    }

    it("external mode: no Atlas resource and no VPC endpoint; MONGO_URI is the secret value; Atlas keys reported as ignored", async () => {
        const uri = "mongodb+srv://app:hunter2@db.example.com/membrane";
        const ev = await evaluate({
            stack: "staging",
            overrides: { "membrane:databaseMode": "external", "membrane:externalMongoUri": { secret: uri } },
        });
        expect(atlasResources(ev)).to.deep.equal([]);
        expect(byType(ev, T.vpcEndpoint)).to.deep.equal([]);
        expect(ev.outputs.MONGO_URI).to.deep.equal({ value: uri, secret: true });
        expect(ev.warnings).to.deep.equal([
            "membrane:databaseMode is external, so membrane:atlasOrgId, membrane:atlasAccessCidrs are ignored.",
        ]);
    });

    it("external mode: every key the warning names as ignored changes no resource and no output", async () => {
        const uri = "mongodb+srv://app:hunter2@db.example.com/membrane";
        const external = { "membrane:databaseMode": "external", "membrane:externalMongoUri": { secret: uri } };
        const shape = (ev: Evaluation) => ({
            resources: ev.resources.map((r) => `${r.type} ${r.name} ${JSON.stringify(r.inputs)}`).sort(),
            outputs: JSON.stringify(ev.outputs),
        });
        const without = await evaluate({ stack: "staging", overrides: external, unset: ATLAS_ONLY_KEYS.map((k) => `membrane:${k}`) });
        const withAll = await evaluate({
            stack: "staging",
            overrides: { ...external, ...Object.fromEntries(Object.entries(ATLAS_KEYS_CHANGED).map(([k, v]) => [`membrane:${k}`, v])) },
        });
        expect(without.warnings).to.deep.equal([]);
        expect(withAll.warnings).to.deep.equal([
            `membrane:databaseMode is external, so ${ATLAS_ONLY_KEYS.map((k) => `membrane:${k}`).join(", ")} are ignored.`,
        ]);
        expect(shape(withAll)).to.deep.equal(shape(without));
    });

    it("external mode: the program hands the URI to the Database component already secret", async () => {
        // The component makes it secret too (see "Database on its own"): each layer is pinned on its own.
        const ev = await evaluate({
            stack: "staging",
            program: "test/programs/index-database-args.ts",
            overrides: {
                "membrane:databaseMode": "external",
                "membrane:externalMongoUri": { secret: "mongodb+srv://app:hunter2@db.example.com/membrane" },
            },
        });
        expect(ev.outputs.handedToDatabase).to.deep.equal({ value: [{ mode: "external", mongoUriSecret: true }], secret: false });
    });

    it("external mode with an encrypted (secure:) value in the stack file", async () => {
        const ev = await evaluate({
            stack: "prod",
            overrides: { "membrane:databaseMode": "external", "membrane:externalMongoUri": { secure: "v1:AAAAAAAAAAAAAAAA" } },
        });
        expect(atlasResources(ev)).to.deep.equal([]);
        expect(ev.outputs.MONGO_URI.secret).to.equal(true);
    });

    it("external mode refuses a plain-text URI before registering anything, without echoing it", async () => {
        const err = await programError({
            stack: "staging",
            overrides: {
                "membrane:databaseMode": "external",
                "membrane:externalMongoUri": "mongodb+srv://app:hunter2@db.example.com/membrane",
            },
        });
        expect(err.message).to.match(
            /membrane:externalMongoUri: holds a plain-text value; store it encrypted: pulumi config set --secret membrane:externalMongoUri <value>/,
        );
        expect(err.message).to.not.include("hunter2");
        expect(onlyStack(err)).to.deep.equal([]);
    });

    it("external mode refuses a URI that is not MongoDB's, without echoing it", async () => {
        const err = await programError({
            stack: "staging",
            overrides: {
                "membrane:databaseMode": "external",
                "membrane:externalMongoUri": { secret: "postgres://app:hunter2@db.example.com/membrane" },
            },
        });
        expect(err.message).to.match(
            /membrane:externalMongoUri: must be a mongodb:\/\/ or mongodb\+srv:\/\/ URI with a host \(the value is secret and not shown\)/,
        );
        expect(err.message).to.not.include("hunter2");
        expect(onlyStack(err)).to.deep.equal([]);
    });

    it("refuses Atlas settings Atlas would refuse, all at once, before registering anything", async () => {
        const err = await programError({
            stack: "staging",
            overrides: { "aws:region": "us-gov-west-1", "membrane:atlasInstanceSize": "M0", "membrane:atlasAccessCidrs": ["10.30.0.0/16"] },
        });
        expect(err.message).to.match(/aws:region: Atlas has no dedicated clusters in AWS region "us-gov-west-1"/);
        expect(err.message).to.match(/membrane:atlasInstanceSize: must be a dedicated tier, M10 or larger/);
        expect(err.message).to.match(/membrane:atlasAccessCidrs: "10.30.0.0\/16" is inside 10.0.0.0\/8/);
        expect(onlyStack(err)).to.deep.equal([]);
    });

    it("staging without its access list and without PrivateLink fails with the hint", async () => {
        const err = await programError({ stack: "staging", unset: ["membrane:atlasAccessCidrs"] });
        expect(err.message).to.match(
            /membrane:atlasAccessCidrs: is empty and membrane:atlasPrivateLink is false, so nothing could connect/,
        );
    });
});

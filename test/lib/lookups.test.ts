// Look-ups of what must exist in the account: the offline engine answers them from the stack's cloud
// fixture and never invents what the fixture does not describe; the program's message for each failure
// names the setting and the fix; without a fixture, every answer is an assumption the evaluation lists.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    endpointSubnetProblems,
    lookupReason,
    missingClusterMessage,
    missingOidcProviderMessage,
    missingZoneMessage,
    subnetRegionProblems,
    vpcCidrProblems,
    vpcDnsProblems,
} from "../../lib/lookups";
import { cloudFilePath, loadCloudFixture } from "../../tools/cloud-file";
import { evaluate as evaluateIn, ProgramError } from "../../tools/engine";
import { Account, CloudFixture, invoke } from "../../tools/mock-cloud";
import { listStacks } from "../../lib/stack-files";
import { evaluate, FIXTURES, programError } from "../harness";
import { tempDir } from "../support/tmp";

const PROD_ACCOUNT = loadCloudFixture(path.join(FIXTURES, "prod.cloud.yaml"));
const ISSUER = PROD_ACCOUNT.eksClusters![0].oidcIssuer;
const without = <K extends keyof CloudFixture>(kind: K, changed: CloudFixture[K] = []): CloudFixture => ({
    ...PROD_ACCOUNT,
    [kind]: changed,
});
const onlyStack = (err: ProgramError) => err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"));

describe("look-up messages", () => {
    it("a missing zone names membrane:hostedZoneName and the ways out", () => {
        const m = missingZoneMessage("acme.example.com", "no matching Route 53 Hosted Zone found");
        expect(m).to.match(
            /^membrane:hostedZoneName: there is no public Route 53 hosted zone "acme\.example\.com" in this AWS account \(no matching/,
        );
        expect(m).to.include('set it to "" to serve the static files at the CloudFront name');
    });

    it("a missing cluster names membrane:eksClusterName and how to list the clusters", () => {
        const m = missingClusterMessage("acme-prod", "us-east-1", "ResourceNotFoundException");
        expect(m).to.match(/^membrane:eksClusterName: there is no EKS cluster "acme-prod" in us-east-1/);
        expect(m).to.include("aws eks list-clusters --region us-east-1");
    });

    it("a missing IRSA provider names membrane:eksOidcProvider: create, and the one-time command", () => {
        const m = missingOidcProviderMessage("acme-prod", ISSUER, "no IAM OIDC provider");
        expect(m).to.match(
            /^membrane:eksOidcProvider is "existing", but the EKS cluster "acme-prod" has no IAM OIDC provider for its issuer https:\/\/oidc\.eks/,
        );
        expect(m).to.include("Set membrane:eksOidcProvider: create");
        expect(m).to.include("eksctl utils associate-iam-oidc-provider --cluster acme-prod --approve");
    });

    it("keeps the provider's reason, without the SDK's wrapping", () => {
        expect(lookupReason(new Error("Invoke of 'aws:eks/getCluster:getCluster' failed: not found"))).to.equal("not found");
        expect(lookupReason(Object.assign(new Error("wrapped"), { details: "the details" }))).to.equal("the details");
        expect(lookupReason("plain")).to.equal("plain");
    });
});

describe("the interface endpoint's network, as AWS checks it", () => {
    const s = (id: string, az: string, vpc = "vpc-1") => ({ id, availabilityZone: az, vpcId: vpc });

    const cases: Array<[string, ReturnType<typeof s>[], RegExp[]]> = [
        ["one subnet per zone: nothing to say", [s("subnet-a", "us-east-1a"), s("subnet-b", "us-east-1b")], []],
        [
            "two subnets in one zone",
            [s("subnet-a", "us-east-1a"), s("subnet-b", "us-east-1a"), s("subnet-c", "us-east-1c")],
            [/^membrane:privateSubnetIds: subnet-a and subnet-b are all in us-east-1a; .*DuplicateSubnetsInSameZone/],
        ],
        [
            "a subnet of another VPC",
            [s("subnet-a", "us-east-1a", "vpc-2")],
            [/^membrane:privateSubnetIds: subnet-a is in vpc-2, not in membrane:vpcId vpc-1$/],
        ],
    ];
    for (const [name, subnets, expected] of cases) {
        it(name, () => {
            const problems = endpointSubnetProblems("vpc-1", subnets);
            expect(problems).to.have.lengthOf(expected.length);
            expected.forEach((re, i) => expect(problems[i]).to.match(re));
        });
    }

    it("a VPC without DNS support or hostnames, with the command that turns each on", () => {
        expect(vpcDnsProblems({ id: "vpc-1", enableDnsSupport: true, enableDnsHostnames: true })).to.deep.equal([]);
        const [both] = vpcDnsProblems({ id: "vpc-1", enableDnsSupport: false, enableDnsHostnames: false });
        expect(both).to.match(
            /^membrane:vpcId: vpc-1 has DNS support \(enableDnsSupport\) and DNS hostnames \(enableDnsHostnames\) turned off/,
        );
        const [hostnames] = vpcDnsProblems({ id: "vpc-1", enableDnsSupport: true, enableDnsHostnames: false });
        expect(hostnames).to.include("aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames");
        expect(hostnames).to.not.include("enableDnsSupport");
    });
});

describe("the stack's network against the account's (issue 20)", () => {
    const vpc = (cidrBlock: string, ...secondary: string[]) => ({
        cidrBlock,
        cidrBlockAssociations: [cidrBlock, ...secondary].map((c) => ({ cidrBlock: c, state: "associated" })),
    });

    it("membrane:vpcCidr must be one of the VPC's blocks, primary or secondary", () => {
        expect(vpcCidrProblems("vpc-1", "10.60.0.0/16", vpc("10.60.0.0/16"))).to.deep.equal([]);
        expect(vpcCidrProblems("vpc-1", "100.64.0.0/16", vpc("10.60.0.0/16", "100.64.0.0/16"))).to.deep.equal([]);
        expect(vpcCidrProblems("vpc-1", "10.50.0.0/16", vpc("10.60.0.0/16"))).to.deep.equal([
            "membrane:vpcCidr: is 10.50.0.0/16, but membrane:vpcId vpc-1 has the CIDR block 10.60.0.0/16: set membrane:vpcCidr to the VPC's block the containers' addresses are in; Redis and the Atlas endpoint admit that range only",
        ]);
        expect(vpcCidrProblems("vpc-1", "10.60.0.0/17", vpc("10.60.0.0/16", "100.64.0.0/16"))[0]).to.include(
            "has the CIDR blocks 10.60.0.0/16, 100.64.0.0/16 (the first is its primary)",
        );
        // A block being taken off the VPC (disassociating, disassociated) is not one to admit.
        const leaving = { cidrBlock: "10.60.0.0/16", cidrBlockAssociations: [{ cidrBlock: "100.64.0.0/16", state: "disassociated" }] };
        expect(vpcCidrProblems("vpc-1", "100.64.0.0/16", leaving)).to.have.lengthOf(1);
    });

    it("a subnet's availability zone must be in aws:region, local zones included", () => {
        const s = (id: string, availabilityZone: string) => ({ id, availabilityZone, vpcId: "vpc-1" });
        expect(subnetRegionProblems("us-east-1", [s("a", "us-east-1a"), s("b", "us-east-1-bos-1a")])).to.deep.equal([]);
        expect(subnetRegionProblems("us-east-1", [s("a", "eu-west-1a"), s("b", "us-east-2a"), s("c", "us-east-11a")])).to.deep.equal(
            ["eu-west-1a", "us-east-2a", "us-east-11a"].map(
                (zone, i) =>
                    `membrane:privateSubnetIds: ${"abc"[i]} is in the availability zone ${zone}, which is not in aws:region us-east-1: list subnets of the stack's region`,
            ),
        );
    });
});

describe("the offline engine never invents what the account does not hold", () => {
    const region = "us-east-1";
    const strict = (fixture: CloudFixture) => new Account(fixture);

    for (const [token, inputs, message] of [
        ["aws:route53/getZone:getZone", { name: "acme.example.com", privateZone: false }, /no matching Route 53 Hosted Zone found/],
        ["aws:eks/getCluster:getCluster", { name: "acme-prod" }, /No cluster found for name: acme-prod/],
        ["aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider", { url: ISSUER }, /no IAM OIDC provider for url/],
        ["aws:ec2/getSubnet:getSubnet", { id: "subnet-0a1b2c3d4e5f60001" }, /no matching EC2 Subnet found/],
        ["aws:ec2/getVpc:getVpc", { id: "vpc-0a1b2c3d4e5f60718" }, /no matching EC2 VPC found/],
    ] as const) {
        it(`${token}: found when the fixture describes it, not found in an empty account`, () => {
            expect(() => invoke(token, { ...inputs }, region, strict(PROD_ACCOUNT))).to.not.throw();
            expect(() => invoke(token, { ...inputs }, region, strict({}))).to.throw(message);
        });
    }

    it("answers with what the fixture says: the zone's id, the cluster's issuer, the subnet's zone and VPC", () => {
        const account = strict(PROD_ACCOUNT);
        expect(invoke("aws:route53/getZone:getZone", { name: "acme.example.com." }, region, account).zoneId).to.equal(
            "Z0123456789ABCDEFGHIJ",
        );
        expect(invoke("aws:eks/getCluster:getCluster", { name: "acme-prod" }, region, account).identities).to.deep.equal([
            { oidcs: [{ issuer: ISSUER }] },
        ]);
        expect(invoke("aws:ec2/getSubnet:getSubnet", { id: "subnet-0a1b2c3d4e5f60003" }, region, account)).to.deep.include({
            vpcId: "vpc-0a1b2c3d4e5f60718",
            availabilityZone: "us-east-1c",
        });
        // A private zone of that name is another zone.
        expect(() => invoke("aws:route53/getZone:getZone", { name: "acme.example.com", privateZone: true }, region, account)).to.throw();
        expect(account.assumptions).to.deep.equal([]);
    });

    it("without a fixture, answers every look-up as an assumption and lists it once", () => {
        const account = new Account();
        invoke("aws:route53/getZone:getZone", { name: "acme.example.com" }, region, account);
        invoke("aws:route53/getZone:getZone", { name: "acme.example.com" }, region, account);
        invoke("aws:ec2/getSubnet:getSubnet", { id: "subnet-1", vpcId: "vpc-1" }, region, account);
        const second = invoke("aws:ec2/getSubnet:getSubnet", { id: "subnet-2", vpcId: "vpc-1" }, region, account);
        expect(second.availabilityZone).to.equal("us-east-1b");
        // Asked again (Redis and the Atlas endpoint both look the subnets up): the same zone.
        expect(invoke("aws:ec2/getSubnet:getSubnet", { id: "subnet-1", vpcId: "vpc-1" }, region, account).availabilityZone).to.equal(
            "us-east-1a",
        );
        expect(account.assumptions).to.deep.equal([
            "public Route 53 hosted zone acme.example.com",
            "subnet subnet-1 in vpc-1, in an availability zone of its own",
            "subnet subnet-2 in vpc-1, in an availability zone of its own",
        ]);
    });
});

describe("the program stops at the look-up, before the resource that needs it, naming the setting", () => {
    it("IRSA on a cluster without an IAM OIDC provider names membrane:eksOidcProvider: create", async () => {
        const err = await programError({ stack: "prod", cloud: without("oidcProviders") });
        expect(err.message).to.include(
            `membrane:eksOidcProvider is "existing", but the EKS cluster "acme-prod" has no IAM OIDC provider for its issuer ${ISSUER}`,
        );
        expect(err.message).to.include("Set membrane:eksOidcProvider: create");
        expect(onlyStack(err).some((u) => u.endsWith("::iam-k8s-role"))).to.equal(false);
    });

    it("eksOidcProvider: create needs no provider in the account", async () => {
        const ev = await evaluate({ stack: "prod", cloud: without("oidcProviders"), overrides: { "membrane:eksOidcProvider": "create" } });
        expect(ev.resources.some((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.equal(true);
    });

    it("a cluster the account does not hold names membrane:eksClusterName", async () => {
        const err = await programError({ stack: "prod", cloud: without("eksClusters") });
        expect(err.message).to.include('membrane:eksClusterName: there is no EKS cluster "acme-prod" in us-east-1 in this AWS account');
    });

    it("with Pod Identity too: the cluster is looked up before the association", async () => {
        const err = await programError({ stack: "prod", cloud: without("eksClusters"), overrides: { "membrane:eksPodIdentity": true } });
        expect(err.message).to.include('membrane:eksClusterName: there is no EKS cluster "acme-prod"');
        expect(onlyStack(err).some((u) => u.includes("PodIdentityAssociation"))).to.equal(false);
    });

    it("a zone the account does not hold names membrane:hostedZoneName, before any certificate or record", async () => {
        const err = await programError({ stack: "prod", cloud: without("hostedZones") });
        expect(err.message).to.include('membrane:hostedZoneName: there is no public Route 53 hosted zone "acme.example.com"');
        expect(onlyStack(err).some((u) => u.includes("route53/record"))).to.equal(false);
        // The advice comes first, not after the SDK's "error serializing property" for every input it fed.
        expect(err.message).to.not.include("error serializing property");
    });

    it("subnets in one availability zone stop the Atlas endpoint before it or its security group exists", async () => {
        const subnets = PROD_ACCOUNT.subnets!.map((s) => ({ ...s, availabilityZone: "us-east-1a" }));
        const err = await programError({ stack: "prod", cloud: without("subnets", subnets) });
        expect(err.message).to.match(/^the Atlas PrivateLink endpoint cannot be created/);
        expect(err.message).to.include(
            "membrane:privateSubnetIds: subnet-0a1b2c3d4e5f60001 and subnet-0a1b2c3d4e5f60002 and subnet-0a1b2c3d4e5f60003 are all in us-east-1a",
        );
        expect(onlyStack(err).some((u) => u.includes("vpcEndpoint") || u.endsWith("::database-endpoint-sg"))).to.equal(false);
    });

    it("a subnet outside the VPC, and a VPC without DNS hostnames, are named", async () => {
        const [foreign, dns] = await Promise.all([
            programError({ stack: "prod", cloud: without("subnets", PROD_ACCOUNT.subnets!.slice(1)) }),
            programError({ stack: "prod", cloud: without("vpcs", [{ ...PROD_ACCOUNT.vpcs![0], enableDnsHostnames: false }]) }),
        ]);
        expect(foreign.message).to.include(
            "membrane:privateSubnetIds: there is no subnet subnet-0a1b2c3d4e5f60001 in membrane:vpcId vpc-0a1b2c3d4e5f60718",
        );
        expect(dns.message).to.include("membrane:vpcId: vpc-0a1b2c3d4e5f60718 has DNS hostnames (enableDnsHostnames) turned off");
        expect(foreign.message).to.match(/^membrane:privateSubnetIds: there is no subnet/);
    });
});

describe("the stack's VPC, CIDR and zones as the account has them (issue 20)", () => {
    const moved = (cidrBlock: string, secondaryCidrBlocks?: string[]): CloudFixture =>
        without("vpcs", [{ ...PROD_ACCOUNT.vpcs![0], cidrBlock, ...(secondaryCidrBlocks && { secondaryCidrBlocks }) }]);
    const STAGING_ACCOUNT = loadCloudFixture(path.join(FIXTURES, "staging.cloud.yaml"));

    it("PrivateLink: a vpcCidr the VPC does not have stops the preview, naming the key, before either security group's rule", async () => {
        const err = await programError({ stack: "prod", cloud: moved("10.60.0.0/16"), preview: true });
        expect(err.message).to.include(
            "membrane:vpcCidr: is 10.20.0.0/16, but membrane:vpcId vpc-0a1b2c3d4e5f60718 has the CIDR block 10.60.0.0/16",
        );
        expect(onlyStack(err).filter((u) => u.includes("SecurityGroupIngressRule") || u.includes("vpcEndpoint"))).to.deep.equal([]);
    });

    it("without PrivateLink, Redis looks the VPC up itself: its rule never opens to a range the VPC does not have", async () => {
        const vpcs = [{ ...STAGING_ACCOUNT.vpcs![0], cidrBlock: "10.60.0.0/16" }];
        const err = await programError({ stack: "staging", cloud: { ...STAGING_ACCOUNT, vpcs } });
        expect(err.message).to.equal(
            "Redis cannot be created:\n  - membrane:vpcCidr: is 10.30.0.0/16, but membrane:vpcId vpc-0f9e8d7c6b5a40321 has the CIDR block 10.60.0.0/16: set membrane:vpcCidr to the VPC's block the containers' addresses are in; Redis and the Atlas endpoint admit that range only",
        );
        expect(onlyStack(err).some((u) => u.endsWith("::redis-ingress-vpc") || u.endsWith("::redis-subnets"))).to.equal(false);
        // Allowed security groups instead of the CIDR: no rule admits it, so it is not compared.
        const ev = await evaluate({
            stack: "staging",
            cloud: { ...STAGING_ACCOUNT, vpcs },
            overrides: { "membrane:redisAllowedSecurityGroupIds": ["sg-0aaaaaaaaaaaaaaa1"] },
        });
        expect(ev.resources.some((r) => r.name === "redis-cache")).to.equal(true);
    });

    it("without PrivateLink, Redis's subnets are looked up too: one in another region or another VPC is refused", async () => {
        const subnets = STAGING_ACCOUNT.subnets!.map((sn, i) => (i === 0 ? { ...sn, availabilityZone: "us-east-1a" } : sn));
        const [zone, vpc] = await Promise.all([
            programError({ stack: "staging", cloud: { ...STAGING_ACCOUNT, subnets } }),
            programError({
                stack: "staging",
                cloud: { ...STAGING_ACCOUNT, subnets: STAGING_ACCOUNT.subnets!.map((sn) => ({ ...sn, vpcId: "vpc-0aaaaaaaaaaaaaaaa" })) },
            }),
        ]);
        expect(zone.message).to.include(
            "membrane:privateSubnetIds: subnet-0f9e8d7c6b5a40001 is in the availability zone us-east-1a, which is not in aws:region eu-west-1",
        );
        expect(vpc.message).to.include(
            "membrane:privateSubnetIds: there is no subnet subnet-0f9e8d7c6b5a40001 in membrane:vpcId vpc-0f9e8d7c6b5a40321",
        );
        expect(onlyStack(zone).some((u) => u.includes("elasticache/subnetGroup"))).to.equal(false);
    });

    it("a vpcCidr that is one of the VPC's secondary blocks is accepted", async () => {
        const ev = await evaluate({ stack: "prod", cloud: moved("10.60.0.0/16", ["10.20.0.0/16"]) });
        const rules = ev.resources.filter(
            (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.cidrIpv4,
        );
        expect(rules.map((r) => r.inputs.cidrIpv4)).to.deep.equal(["10.20.0.0/16", "10.20.0.0/16"]);
    });

    it("a subnet whose availability zone is in another region is refused, naming the subnet, the key and the region", async () => {
        const subnets = PROD_ACCOUNT.subnets!.map((s, i) => (i === 1 ? { ...s, availabilityZone: "eu-west-1b" } : s));
        const err = await programError({ stack: "prod", cloud: without("subnets", subnets) });
        expect(err.message).to.include(
            "membrane:privateSubnetIds: subnet-0a1b2c3d4e5f60002 is in the availability zone eu-west-1b, which is not in aws:region us-east-1",
        );
    });

    it("a cloud file's VPC without its block is an error naming the entry, never an answer AWS would not give", async () => {
        const { cidrBlock: _dropped, ...noBlock } = PROD_ACCOUNT.vpcs![0];
        const err = await programError({ stack: "prod", cloud: without("vpcs", [noBlock as never]) });
        expect(err.message).to.include("the cloud file's vpcs entry vpc-0a1b2c3d4e5f60718 has no cidrBlock");
    });

    it("a look-up the cloud file does not answer says which entry to add", () => {
        expect(() => invoke("aws:ec2/getVpc:getVpc", { id: "vpc-0a1b2c3d4e5f60718" }, "us-east-1", new Account({}))).to.throw(
            "no matching EC2 VPC found (id vpc-0a1b2c3d4e5f60718) (offline: the cloud file has no such vpcs entry; if the account holds it, add vpcs: [{ id: vpc-0a1b2c3d4e5f60718, cidrBlock: <its IPv4 block>, enableDnsSupport: true, enableDnsHostnames: true }])",
        );
        expect(() => invoke("aws:route53/getZone:getZone", { name: "acme.example.com" }, "us-east-1", new Account({}))).to.throw(
            /add hostedZones: \[\{ name: acme\.example\.com, id: <its zone id> \}\]/,
        );
    });
});

describe("cloud files", () => {
    const stackDirs = [FIXTURES, path.join(FIXTURES, "deployments")];

    it("every fixture stack has one, so no test relies on an assumption", () => {
        for (const dir of stackDirs) {
            for (const stack of listStacks(dir)) {
                expect(fs.existsSync(cloudFilePath(dir, stack)), cloudFilePath(dir, stack)).to.equal(true);
                loadCloudFixture(cloudFilePath(dir, stack));
            }
        }
    });

    it("refuses a kind the engine does not know, rather than describe nothing", () => {
        const file = path.join(tempDir("cloud-"), "x.cloud.yaml");
        fs.writeFileSync(file, "hostedZone:\n  - name: acme.example.com\n");
        expect(() => loadCloudFixture(file)).to.throw(
            /"hostedZone" is not a kind a cloud file describes \(did you mean hostedZones\?\): hostedZones, /,
        );
    });

    it("a user's stack without one is evaluated with every look-up listed as an assumption", async () => {
        const dir = tempDir("stack-");
        fs.copyFileSync(path.join(FIXTURES, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
        const ev = await evaluateIn({ stack: "prod", stackDir: dir });
        expect(ev.assumptions).to.have.members([
            "public Route 53 hosted zone acme.example.com",
            "EKS cluster acme-prod in us-east-1 (its OIDC issuer is invented offline)",
            `IAM OIDC provider for ${ev.invokes.find((i) => i.token.includes("getOpenIdConnectProvider"))!.inputs.url}`,
            "VPC vpc-0a1b2c3d4e5f60718 with the CIDR block 10.20.0.0/16, DNS support and DNS hostnames enabled",
            "subnet subnet-0a1b2c3d4e5f60001 in vpc-0a1b2c3d4e5f60718, in an availability zone of its own",
            "subnet subnet-0a1b2c3d4e5f60002 in vpc-0a1b2c3d4e5f60718, in an availability zone of its own",
            "subnet subnet-0a1b2c3d4e5f60003 in vpc-0a1b2c3d4e5f60718, in an availability zone of its own",
        ]);
    });

    it("with its cloud file beside it, the same stack assumes nothing", async () => {
        const dir = tempDir("stack-");
        fs.copyFileSync(path.join(FIXTURES, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
        fs.copyFileSync(path.join(FIXTURES, "prod.cloud.yaml"), path.join(dir, "prod.cloud.yaml"));
        const ev = await evaluateIn({ stack: "prod", stackDir: dir });
        expect(ev.assumptions).to.deep.equal([]);
    });
});

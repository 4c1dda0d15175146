import { expect } from "chai";
import { issuerHost, s3AccessPolicy } from "../../../components/iam/iam";
import type { PolicyStatement } from "../../../lib/policy-document";
import { reachBeyondAccount } from "../../support/iam-sim";
import { ACCOUNT_ID, eksIssuer } from "../../../tools/mock-cloud";
import { Evaluation, ProgramError, RegisteredResource } from "../../../tools/engine";
import { runPolicies } from "../../../policy/runner";
import { unclassifiedTypes } from "../../../tools/estimate";
import { plannedResources } from "../../../tools/plan";
import { byType, childrenOf, COMPONENT_ACCOUNT, descendantsOf, evaluate, fixtureStack, one, policyOf } from "../../harness";

const T = {
    component: "membrane:iam:Iam",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    oidcProvider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};
const INVOKE = {
    callerIdentity: "aws:index/getCallerIdentity:getCallerIdentity",
    partition: "aws:index/getPartition:getPartition",
    cluster: "aws:eks/getCluster:getCluster",
    oidcProvider: "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider",
    certificate: "tls:index/getCertificate:getCertificate",
};

/** The policy document, written out: what the roles may do with the buckets `<prefix>-{tmp,connectors,static}`. */
function expectedS3Policy(prefix: string): unknown {
    const arn = (p: string) => `arn:aws:s3:::${prefix}-${p}`;
    const own = { StringEquals: { "s3:ResourceAccount": "${aws:PrincipalAccount}" } };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ListBuckets",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: [arn("tmp"), arn("connectors"), arn("static")],
                Condition: own,
            },
            {
                Sid: "ReadWriteObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: [`${arn("tmp")}/*`, `${arn("connectors")}/*`, `${arn("static")}/*`],
                Condition: own,
            },
            {
                Sid: "ReadConnectorVersions",
                Effect: "Allow",
                Action: ["s3:GetObjectVersion"],
                Resource: [`${arn("connectors")}/*`],
                Condition: own,
            },
            {
                Sid: "ListConnectorVersions",
                Effect: "Allow",
                Action: ["s3:ListBucketVersions"],
                Resource: [arn("connectors")],
                Condition: own,
            },
        ],
    };
}

function ecsTrust(region: string): unknown {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EcsTasksAssumeRole",
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:ecs:${region}:${ACCOUNT_ID}:*` },
                },
            },
        ],
    };
}

function irsaTrust(cluster: string, region: string, namespace: string, serviceAccount: string): unknown {
    const host = eksIssuer(cluster, region).replace("https://", "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ServiceAccountAssumeRoleWithWebIdentity",
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${host}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}

function podIdentityTrust(cluster: string, region: string, namespace: string, serviceAccount: string): unknown {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EksPodIdentityAssumeRole",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:${region}:${ACCOUNT_ID}:cluster/${cluster}`,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": serviceAccount,
                    },
                },
            },
        ],
    };
}

const trustOf = (role: RegisteredResource): unknown => JSON.parse(role.inputs.assumeRolePolicy as string);
const invoked = (ev: Evaluation, token: string) => ev.invokes.filter((i) => i.token === token);
/** The data sources IAM reads, each once (the whole program also reads other components' data sources, and the credentials store the account again). */
const iamInvokes = (ev: Evaluation) => [
    ...new Set(
        ev.invokes
            .map((i) => i.token)
            .filter((t) => /^(aws:index\/|aws:iam\/|aws:eks\/|tls:)/.test(t))
            .sort(),
    ),
];
/** The resources of `type` inside the Iam component: the credentials store attaches policies of its own to roles. */
const inIam = (ev: Evaluation, type: string) => descendantsOf(ev, one(ev, T.component)).filter((r) => r.type === type);
const roleNamed = (ev: Evaluation, roleName: string) => byType(ev, T.role).find((r) => r.inputs.name === roleName)!;
/** The one RolePolicy of the Iam component attached to the role, by the role's name. */
function policyFor(ev: Evaluation, role: RegisteredResource): RegisteredResource {
    const found = inIam(ev, T.rolePolicy).filter((p) => p.inputs.role === role.inputs.name);
    expect(found, `policies of ${role.name}`).to.have.lengthOf(1);
    return found[0];
}

const B_ARNS = { tmp: "arn:aws:s3:::b-tmp", connectors: "arn:aws:s3:::b-connectors", static: "arn:aws:s3:::b-static" };

describe("Iam: the S3 access policy document", () => {
    it("is exactly: list the three buckets, read/write/delete their objects, read and list connector versions", () => {
        const doc = s3AccessPolicy(B_ARNS);
        expect(doc).to.deep.equal(expectedS3Policy("b"));
    });

    it("names no wildcard action, and gives bucket actions bucket ARNs and object actions object ARNs", () => {
        const doc = s3AccessPolicy(B_ARNS);
        const bucketLevel = new Set(["s3:ListBucket", "s3:ListBucketVersions"]);
        for (const st of ([] as PolicyStatement[]).concat(doc.Statement ?? [])) {
            const actions = ([] as string[]).concat(st.Action ?? []);
            const resources = ([] as string[]).concat(st.Resource ?? []);
            expect(actions.join(","), st.Sid).to.not.include("*");
            expect(new Set(actions.map((a) => bucketLevel.has(a))).size, `${st.Sid} mixes bucket and object actions`).to.equal(1);
            const objectRes = resources.map((r) => r.endsWith("/*"));
            expect(
                objectRes.every((o) => o === !bucketLevel.has(actions[0])),
                st.Sid,
            ).to.equal(true);
            expect(st.Sid).to.match(/^[A-Za-z0-9]+$/);
        }
    });

    it("reaches the buckets of its own account only, as AWS decides: a bucket of that name in another account is denied", async () => {
        const principal = { arn: `arn:aws:iam::${ACCOUNT_ID}:role/membrane-task`, identity: [s3AccessPolicy(B_ARNS)] };
        const requests = [
            { action: "s3:PutObject", resource: "arn:aws:s3:::b-tmp/x" },
            { action: "s3:GetObject", resource: "arn:aws:s3:::b-static/x" },
            { action: "s3:GetObjectVersion", resource: "arn:aws:s3:::b-connectors/x" },
            { action: "s3:ListBucket", resource: "arn:aws:s3:::b-tmp" },
            { action: "s3:ListBucketVersions", resource: "arn:aws:s3:::b-connectors" },
        ];
        expect(await reachBeyondAccount(principal, requests)).to.deep.equal([]);
    });

    it("the issuer's host is the issuer without https://", () => {
        expect(issuerHost("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC")).to.equal("oidc.eks.eu-west-1.amazonaws.com/id/ABC");
    });
});

describe("Iam on its own", () => {
    const run = (modes: string) =>
        evaluate({ stack: "staging", program: "test/programs/iam.ts", cloud: COMPONENT_ACCOUNT, env: { MEMBRANE_TEST_IAM: modes } });
    const ev: Record<string, Evaluation> = {};
    before(async () => {
        const modes = ["ecs", "ecs,irsa-existing", "irsa-create", "pod-identity"];
        const results = await Promise.all(modes.map(run));
        modes.forEach((m, i) => (ev[m] = results[i]));
    });

    it("is a membrane:iam:Iam component that parents every resource it creates, named after it", () => {
        for (const e of Object.values(ev)) {
            const component = one(e, T.component, "access");
            const custom = e.resources.filter((r) => r.custom);
            expect(custom.length).to.be.greaterThan(0);
            expect(childrenOf(e, component).filter((r) => r.custom)).to.deep.equal(custom);
            for (const r of custom) {
                expect(r.name, r.urn).to.match(/^access-/);
            }
        }
    });

    describe("ECS task role", () => {
        it("is trusted by ecs-tasks.amazonaws.com of this account and region only", () => {
            const role = one(ev.ecs, T.role, "access-ecs-task-role");
            expect(role.inputs.name).to.equal("qa-task");
            expect(trustOf(role)).to.deep.equal(ecsTrust("eu-west-1"));
            expect(role.inputs.tags).to.deep.equal({ Environment: "qa", Service: "membrane" });
        });

        it("gets the S3 policy as one inline RolePolicy, and no inline or managed policy lists on the role", () => {
            const role = one(ev.ecs, T.role, "access-ecs-task-role");
            const policy = policyFor(ev.ecs, role);
            expect(policy.name).to.equal("access-ecs-task-s3-access");
            expect(policy.inputs.name).to.equal("qa-task-s3");
            expect(policyOf(policy)).to.deep.equal(expectedS3Policy("t-qa"));
            expect(policy.dependencies).to.include(role.urn);
            expect(role.inputs).to.not.have.any.keys("inlinePolicies", "managedPolicyArns");
            expect(byType(ev.ecs, T.rolePolicy)).to.have.lengthOf(1);
        });

        it("reads the account and partition, and nothing about EKS", () => {
            expect(ev.ecs.invokes.map((i) => i.token).sort()).to.deep.equal([INVOKE.callerIdentity, INVOKE.partition]);
        });

        it("outputs the role's ARN and no Kubernetes values", () => {
            const component = one(ev.ecs, T.component, "access");
            expect(component.outputs.ecsTaskRoleArn).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/qa-task`);
            expect(component.outputs.k8sServiceAccountRoleArn).to.equal(undefined);
            expect(component.outputs.k8sServiceAccountAnnotations).to.equal(undefined);
            expect(JSON.parse(component.outputs.s3AccessPolicy as string)).to.deep.equal(expectedS3Policy("t-qa"));
        });
    });

    describe("IRSA with the cluster's existing OIDC provider", () => {
        const e = () => ev["ecs,irsa-existing"];

        it("looks the provider up by the cluster's issuer, and never fetches a certificate or creates a provider", () => {
            expect(invoked(e(), INVOKE.cluster).map((i) => i.inputs)).to.deep.equal([{ name: "qa-cluster" }]);
            expect(invoked(e(), INVOKE.oidcProvider).map((i) => i.inputs)).to.deep.equal([{ url: eksIssuer("qa-cluster", "eu-west-1") }]);
            expect(invoked(e(), INVOKE.certificate)).to.deep.equal([]);
            expect(byType(e(), T.oidcProvider)).to.deep.equal([]);
        });

        it("trusts the provider for the one service account's tokens issued for STS (:sub and :aud)", () => {
            const role = one(e(), T.role, "access-k8s-role");
            expect(role.inputs.name).to.equal("qa-k8s");
            expect(trustOf(role)).to.deep.equal(irsaTrust("qa-cluster", "eu-west-1", "apps", "membrane-api"));
        });

        it("gets the same S3 policy as the ECS role, in its own RolePolicy", () => {
            const policy = policyFor(e(), one(e(), T.role, "access-k8s-role"));
            expect(policy.name).to.equal("access-k8s-s3-access");
            expect(policy.inputs.name).to.equal("qa-k8s-s3");
            expect(policy.inputs.policy).to.equal(policyFor(e(), one(e(), T.role, "access-ecs-task-role")).inputs.policy);
            expect(byType(e(), T.role)).to.have.lengthOf(2);
        });

        it("outputs both ARNs, the provider's, and the service account's annotation", () => {
            const out = one(e(), T.component, "access").outputs;
            const arn = `arn:aws:iam::${ACCOUNT_ID}:role/qa-k8s`;
            expect(out.k8sServiceAccountRoleArn).to.equal(arn);
            expect(out.k8sServiceAccountAnnotations).to.deep.equal({ "eks.amazonaws.com/role-arn": arn });
            expect(out.oidcProviderArn).to.equal(
                `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${eksIssuer("qa-cluster", "eu-west-1").slice(8)}`,
            );
            expect(out.ecsTaskRoleArn).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/qa-task`);
            expect(e().outputs.k8sServiceAccountAnnotations).to.deep.equal({ value: { "eks.amazonaws.com/role-arn": arn }, secret: false });
        });
    });

    describe("IRSA with a created OIDC provider", () => {
        const e = () => ev["irsa-create"];

        it("creates the provider for the issuer, for STS, with the thumbprint of the chain's topmost CA", () => {
            const provider = one(e(), T.oidcProvider, "access-oidc-provider");
            expect(provider.inputs).to.deep.include({
                url: eksIssuer("qa-cluster", "eu-west-1"),
                clientIdLists: ["sts.amazonaws.com"],
                // tls.getCertificate lists the root first; the mock's chain is root-ca, intermediate-ca, leaf.
                thumbprintLists: ["<root-ca.sha1Fingerprint>"],
                tags: { Environment: "qa", Service: "membrane" },
            });
        });

        it("fetches the issuer's certificate and never looks up an existing provider", () => {
            expect(invoked(e(), INVOKE.certificate).map((i) => i.inputs)).to.deep.equal([{ url: eksIssuer("qa-cluster", "eu-west-1") }]);
            expect(invoked(e(), INVOKE.oidcProvider)).to.deep.equal([]);
        });

        it("trusts the created provider, and is registered after it", () => {
            const role = one(e(), T.role, "access-k8s-role");
            const provider = one(e(), T.oidcProvider, "access-oidc-provider");
            expect(trustOf(role)).to.deep.equal(irsaTrust("qa-cluster", "eu-west-1", "apps", "membrane-api"));
            expect(role.dependencies).to.include(provider.urn);
        });

        it("without the ECS task role: one role, no account look-ups", () => {
            expect(byType(e(), T.role).map((r) => r.inputs.name)).to.deep.equal(["qa-k8s"]);
            expect(invoked(e(), INVOKE.callerIdentity)).to.deep.equal([]);
            expect(one(e(), T.component, "access").outputs.ecsTaskRoleArn).to.equal(undefined);
        });
    });

    describe("EKS Pod Identity", () => {
        const e = () => ev["pod-identity"];

        it("trusts pods.eks.amazonaws.com (AssumeRole and TagSession) for one cluster, namespace and service account", () => {
            const role = one(e(), T.role, "access-k8s-role");
            expect(trustOf(role)).to.deep.equal(podIdentityTrust("qa-cluster", "eu-west-1", "apps", "membrane-api"));
            expect(policyOf(policyFor(e(), role))).to.deep.equal(expectedS3Policy("t-qa"));
        });

        it("associates the role with the service account", () => {
            const assoc = one(e(), T.podIdentity, "access-k8s-pod-identity");
            const role = one(e(), T.role, "access-k8s-role");
            expect(assoc.inputs).to.deep.include({
                clusterName: "qa-cluster",
                namespace: "apps",
                serviceAccount: "membrane-api",
                roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/qa-k8s`,
                tags: { Environment: "qa", Service: "membrane" },
            });
            expect(assoc.dependencies).to.include(role.urn);
            expect(assoc.dependencies).to.include(policyFor(e(), role).urn);
        });

        it("reads the cluster (its ARN, and that it exists) but no OIDC provider or certificate, and creates no provider", () => {
            expect(e().invokes).to.deep.equal([{ token: INVOKE.cluster, inputs: { name: "qa-cluster" } }]);
            expect(byType(e(), T.oidcProvider)).to.deep.equal([]);
        });

        it("outputs the role's ARN and no annotation (Pod Identity needs none)", () => {
            const out = one(e(), T.component, "access").outputs;
            expect(out.k8sServiceAccountRoleArn).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/qa-k8s`);
            expect(out.k8sServiceAccountAnnotations).to.equal(undefined);
            expect(out.oidcProviderArn).to.equal(undefined);
        });
    });
});

describe("Iam in the fixture stacks", () => {
    let prod: Evaluation;
    let staging: Evaluation;
    before(async () => {
        [prod, staging] = await Promise.all([fixtureStack("prod"), fixtureStack("staging")]);
    });

    it("prod: the ECS task role and the IRSA role for acme-prod's membrane/membrane-sa, with the seed's names", () => {
        const ecs = roleNamed(prod, "prod-membrane-task-role");
        const k8s = roleNamed(prod, "prod-membrane-k8s-role");
        expect(trustOf(ecs)).to.deep.equal(ecsTrust("us-east-1"));
        expect(trustOf(k8s)).to.deep.equal(irsaTrust("acme-prod", "us-east-1", "membrane", "membrane-sa"));
        expect(policyFor(prod, ecs).inputs.name).to.equal("prod-membrane-s3-access");
        expect(policyFor(prod, k8s).inputs.name).to.equal("prod-membrane-k8s-s3-access");
        expect(byType(prod, T.oidcProvider)).to.deep.equal([]);
        expect(invoked(prod, INVOKE.certificate)).to.deep.equal([]);
    });

    it("prod: the policies name Storage's buckets and are registered after them", () => {
        const buckets = byType(prod, "aws:s3/bucket:Bucket")
            .filter((b) => b.urn.includes("membrane:storage:Storage$"))
            .map((b) => b.urn);
        expect(buckets).to.have.lengthOf(3);
        const iamPolicies = inIam(prod, T.rolePolicy);
        expect(iamPolicies).to.have.lengthOf(2);
        for (const p of iamPolicies) {
            expect(policyOf(p)).to.deep.equal(expectedS3Policy("acme-prod-integration-app"));
            expect(p.dependencies).to.include.members(buckets);
        }
    });

    it("prod: exports the role ARNs and the annotation next to Membrane's variables, not secret", () => {
        expect(prod.outputs.ecsTaskRoleArn).to.deep.equal({
            value: `arn:aws:iam::${ACCOUNT_ID}:role/prod-membrane-task-role`,
            secret: false,
        });
        const k8sArn = `arn:aws:iam::${ACCOUNT_ID}:role/prod-membrane-k8s-role`;
        expect(prod.outputs.k8sServiceAccountRoleArn).to.deep.equal({ value: k8sArn, secret: false });
        expect(prod.outputs.k8sServiceAccountAnnotations).to.deep.equal({ value: { "eks.amazonaws.com/role-arn": k8sArn }, secret: false });
        expect(Object.keys(prod.outputs).filter((k) => k.startsWith("AWS_ACCESS") || k.startsWith("AWS_SECRET"))).to.deep.equal([]);
    });

    it("staging (no EKS cluster): the ECS task role only, no EKS look-ups, no Kubernetes outputs", () => {
        expect(inIam(staging, T.role).map((r) => r.inputs.name)).to.deep.equal(["staging-membrane-task-role"]);
        expect(trustOf(roleNamed(staging, "staging-membrane-task-role"))).to.deep.equal(ecsTrust("eu-west-1"));
        expect(iamInvokes(staging)).to.deep.equal([INVOKE.callerIdentity, INVOKE.partition]);
        expect(staging.outputs).to.not.have.any.keys("k8sServiceAccountRoleArn", "k8sServiceAccountAnnotations");
        expect(staging.outputs.ecsTaskRoleArn.value).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/staging-membrane-task-role`);
    });

    it("prod with Pod Identity: an association instead of IRSA, and no annotation output", async () => {
        const ev = await evaluate({ stack: "prod", overrides: { "membrane:eksPodIdentity": true } });
        const k8s = roleNamed(ev, "prod-membrane-k8s-role");
        expect(trustOf(k8s)).to.deep.equal(podIdentityTrust("acme-prod", "us-east-1", "membrane", "membrane-sa"));
        expect(inIam(ev, T.podIdentity)).to.have.lengthOf(1);
        expect(inIam(ev, T.podIdentity)[0].inputs).to.include({
            clusterName: "acme-prod",
            namespace: "membrane",
            serviceAccount: "membrane-sa",
        });
        expect(ev.outputs).to.not.have.any.keys("k8sServiceAccountAnnotations");
        expect(ev.outputs.k8sServiceAccountRoleArn.value).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/prod-membrane-k8s-role`);
        expect(iamInvokes(ev)).to.deep.equal([INVOKE.cluster, INVOKE.callerIdentity, INVOKE.partition]);
    });

    it("prod with eksOidcProvider create: creates the provider and trusts it", async () => {
        const ev = await evaluate({ stack: "prod", overrides: { "membrane:eksOidcProvider": "create", "membrane:k8sNamespace": "apps" } });
        const provider = one(ev, T.oidcProvider, "iam-oidc-provider");
        expect(provider.inputs.url).to.equal(eksIssuer("acme-prod", "us-east-1"));
        expect(trustOf(roleNamed(ev, "prod-membrane-k8s-role"))).to.deep.equal(irsaTrust("acme-prod", "us-east-1", "apps", "membrane-sa"));
        expect(invoked(ev, INVOKE.oidcProvider)).to.deep.equal([]);
    });

    async function programError(overrides: Record<string, string | boolean>): Promise<ProgramError> {
        try {
            await evaluate({ stack: "staging", overrides });
        } catch (e) {
            expect(e).to.be.instanceOf(ProgramError);
            return e as ProgramError;
        }
        return expect.fail("the program should have failed");
    }

    it("staging with neither role fails, naming the keys, before any resource is registered", async () => {
        const err = await programError({ "membrane:ecsTaskRole": false });
        expect(err.message).to.match(/membrane:ecsTaskRole: is false and membrane:eksClusterName is empty/);
        expect(err.registered.filter((urn) => !urn.includes("pulumi:pulumi:Stack"))).to.deep.equal([]);
    });

    it("staging with Pod Identity but no cluster fails, naming both keys", async () => {
        const err = await programError({ "membrane:eksPodIdentity": true, "membrane:k8sServiceAccount": "Membrane_SA" });
        expect(err.message).to.match(/membrane:eksPodIdentity: is true but membrane:eksClusterName is empty/);
        expect(err.message).to.match(/membrane:k8sServiceAccount: must be a Kubernetes service account name.*\(got "Membrane_SA"\)/);
    });
});

/** The EC2 role of a stack with membrane:ec2InstanceRole. */
const roleFrom = (ev: Evaluation) => roleNamed(ev, "staging-membrane-ec2-role");

describe("the EC2 instance role of Docker and Compose hosts (membrane:ec2InstanceRole)", () => {
    const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
    const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-staging`;
    let on: Evaluation;
    let regional: Evaluation;
    let noStore: Evaluation;
    let defaults: Evaluation[];
    before(async function () {
        this.timeout(120000);
        [on, regional, noStore, ...defaults] = await Promise.all([
            evaluate({
                stack: "staging",
                overrides: {
                    "membrane:ec2InstanceRole": true,
                    "membrane:secretsKmsKeyArn": KEY,
                    "membrane:iamPermissionsBoundaryArn": BOUNDARY,
                },
            }),
            evaluate({ stack: "staging", overrides: { "membrane:ec2InstanceRole": true, "membrane:regionInNames": true } }),
            // A Compose-only stack: no ECS role, no EKS, no credentials store.
            evaluate({
                stack: "staging",
                overrides: { "membrane:ec2InstanceRole": true, "membrane:ecsTaskRole": false, "membrane:secretsManager": false },
            }),
            fixtureStack("staging"),
            fixtureStack("prod"),
        ]);
    });

    it("is off by default: no role, no instance profile, no output", () => {
        for (const ev of defaults) {
            expect(byType(ev, PROFILE)).to.deep.equal([]);
            expect(byType(ev, T.role).filter((r) => String(r.inputs.name).includes("-ec2-"))).to.deep.equal([]);
            expect(ev.outputs).to.not.have.any.keys("ec2InstanceRoleArn", "ec2InstanceProfileName");
        }
    });

    it("is trusted by ec2.amazonaws.com for sts:AssumeRole only, with this account pinned when EC2 names it, and carries the boundary", () => {
        const role = roleNamed(on, "staging-membrane-ec2-role");
        expect(role.parent).to.equal(one(on, T.component).urn);
        expect(trustOf(role)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Ec2AssumeRole",
                    Effect: "Allow",
                    Principal: { Service: "ec2.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT_ID } },
                },
            ],
        });
        expect(role.inputs.permissionsBoundary).to.equal(BOUNDARY);
        expect(role.inputs.tags).to.deep.equal({ Environment: "staging", Service: "membrane" });
    });

    it("gets the ECS task role's S3 policy, and reads the credentials secret (decrypting through Secrets Manager) and nothing else", () => {
        const role = roleNamed(on, "staging-membrane-ec2-role");
        const s3 = policyFor(on, role);
        expect(s3.inputs.name).to.equal("staging-membrane-ec2-s3-access");
        expect(policyOf(s3)).to.deep.equal(policyOf(policyFor(on, roleNamed(on, "staging-membrane-task-role"))));
        expect(policyOf(s3)).to.deep.equal(expectedS3Policy("acme-staging-integration-app"));
        const reads = byType(on, T.rolePolicy).filter(
            (p) => p.inputs.role === "staging-membrane-ec2-role" && !inIam(on, T.rolePolicy).includes(p),
        );
        expect(reads.map((p) => p.inputs.name)).to.deep.equal(["staging-membrane-ec2-secrets-read"]);
        const secretArn = String(one(on, "aws:secretsmanager/secret:Secret").outputs.arn);
        expect(policyOf(reads[0]).Statement).to.deep.equal([
            { Sid: "ReadMembraneCredentials", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] },
            {
                Sid: "DecryptThroughSecretsManager",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: [KEY],
                Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
            },
        ]);
    });

    it("puts the role in its instance profile, registered after the role's S3 policy, and exports both", () => {
        const profile = one(on, PROFILE);
        expect(profile.parent).to.equal(one(on, T.component).urn);
        expect(profile.inputs).to.deep.equal({
            name: "staging-membrane-ec2-profile",
            role: "staging-membrane-ec2-role",
            tags: { Environment: "staging", Service: "membrane" },
        });
        expect(on.outputs.ec2InstanceRoleArn).to.deep.equal({
            value: `arn:aws:iam::${ACCOUNT_ID}:role/staging-membrane-ec2-role`,
            secret: false,
        });
        expect(on.outputs.ec2InstanceProfileName).to.deep.equal({ value: "staging-membrane-ec2-profile", secret: false });
    });

    it("passes the policy pack, the trust guard of EC2 roles included, which refuses the role without the account condition", () => {
        const planned = plannedResources(on);
        expect(runPolicies(planned).filter((f) => f.enforcementLevel === "mandatory")).to.deep.equal([]);
        const role = planned.find((r) => r.type === T.role && r.props.name === "staging-membrane-ec2-role")!;
        const { Condition: _pinned, ...unpinned } = (trustOf(roleFrom(on)) as { Statement: Array<Record<string, unknown>> }).Statement[0];
        const open = {
            ...role,
            props: { ...role.props, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [unpinned] }) },
        };
        expect(runPolicies([open]).map((f) => f.policyName)).to.deep.equal(["iam-service-role-trust-scoped"]);
    });

    it("is in the estimate: IAM is free, and creating a profile takes seconds", () => {
        expect(unclassifiedTypes(on)).to.deep.equal([]);
    });

    it("with regionInNames, the region ends the role's and the profile's names, both unique in the account", () => {
        expect(one(regional, PROFILE).inputs).to.deep.include({
            name: "staging-membrane-ec2-profile-eu-west-1",
            role: "staging-membrane-ec2-role-eu-west-1",
        });
    });

    it("is a stack's only role when it runs on Docker hosts alone; without the store, the S3 policy only", () => {
        expect(inIam(noStore, T.role).map((r) => r.inputs.name)).to.deep.equal(["staging-membrane-ec2-role"]);
        const onRole = byType(noStore, T.rolePolicy).filter((p) => p.inputs.role === "staging-membrane-ec2-role");
        expect(onRole.map((p) => p.inputs.name)).to.deep.equal(["staging-membrane-ec2-s3-access"]);
        expect(noStore.outputs).to.not.have.any.keys("ecsTaskRoleArn", "credentialsSecretArn");
    });
});

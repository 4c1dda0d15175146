import { expect } from "chai";
import { readSettings } from "../../../components/settings";
import { readIam } from "../../../components/iam/settings";
import { iamNames } from "../../../lib/naming";
import { ConfigReader } from "../../../lib/config-reader";
import { VALID, problemsOf, raw } from "../../harness";
import { itRefuses, Refusal } from "../../support/settings";

/** The stack the IAM reader derives its names from. */
const stackOf = (environment: string) => ({ region: "us-east-1", environment, production: false, namePrefix: "", nameSuffix: "" });

describe("config: iam", () => {
    it("by default: the ECS task role only, with the seed's names", () => {
        expect(readSettings(raw(VALID)).iam).to.deep.equal({
            environment: "prod",
            region: "us-east-1",
            ecsTaskRole: { roleName: "prod-membrane-task-role", policyName: "prod-membrane-s3-access" },
        });
    });

    it("an EKS cluster adds the service-account role: IRSA with the existing OIDC provider, seed's namespace and service account", () => {
        expect(readSettings(raw({ ...VALID, eksClusterName: "acme-prod" })).iam.eksRole).to.deep.equal({
            roleName: "prod-membrane-k8s-role",
            policyName: "prod-membrane-k8s-s3-access",
            clusterName: "acme-prod",
            namespace: "membrane",
            serviceAccount: "membrane-sa",
            trust: { kind: "irsa", oidcProvider: "existing" },
        });
    });

    it("eksOidcProvider create, or Pod Identity, chooses the trust", () => {
        const create = readSettings(raw({ ...VALID, eksClusterName: "c1", eksOidcProvider: "create" })).iam.eksRole;
        expect(create?.trust).to.deep.equal({ kind: "irsa", oidcProvider: "create" });
        const pods = readSettings(raw({ ...VALID, eksClusterName: "c1", eksPodIdentity: true })).iam.eksRole;
        expect(pods?.trust).to.deep.equal({ kind: "pod-identity" });
    });

    it("the ECS task role can be turned off when the EKS role is on", () => {
        const iam = readSettings(raw({ ...VALID, ecsTaskRole: false, eksClusterName: "c1" })).iam;
        expect(iam.ecsTaskRole).to.equal(undefined);
        expect(iam.eksRole?.roleName).to.equal("prod-membrane-k8s-role");
    });

    const good: Array<[string, Record<string, unknown>]> = [
        ["a 63-character namespace", { k8sNamespace: "n".repeat(63) }],
        ["a one-character namespace", { k8sNamespace: "m" }],
        ["a dotted service account", { k8sServiceAccount: "membrane.sa-1" }],
        ["a 253-character service account", { k8sServiceAccount: `${"a".repeat(63)}.`.repeat(3) + "b".repeat(61) }],
        ["a cluster name with digits, capitals and underscores", { eksClusterName: "1_Prod-A" }],
        ["a 100-character cluster name", { eksClusterName: "c".repeat(100) }],
    ];
    for (const [what, values] of good) {
        it(`accepts ${what}`, () => {
            expect(problemsOf(values)).to.deep.equal([]);
        });
    }

    const bad: Refusal[] = [
        [
            "an uppercase namespace",
            { k8sNamespace: "Membrane" },
            /^membrane:k8sNamespace: must be a Kubernetes namespace name \(an RFC 1123 label\).*\(got "Membrane"\)$/,
        ],
        [
            "a namespace starting with a hyphen",
            { k8sNamespace: "-apps" },
            /^membrane:k8sNamespace: must be a Kubernetes namespace name.*"-apps"/,
        ],
        ["a namespace ending with a hyphen", { k8sNamespace: "apps-" }, /^membrane:k8sNamespace: must be a Kubernetes namespace name/],
        ["a namespace with an underscore", { k8sNamespace: "my_ns" }, /^membrane:k8sNamespace: must be a Kubernetes namespace name/],
        [
            "a namespace with a dot (a label has none)",
            { k8sNamespace: "a.b" },
            /^membrane:k8sNamespace: must be a Kubernetes namespace name/,
        ],
        ["a 64-character namespace", { k8sNamespace: "n".repeat(64) }, /^membrane:k8sNamespace: must be .*at most 63/],
        ["an empty namespace", { k8sNamespace: "" }, /^membrane:k8sNamespace: must be a Kubernetes namespace name.*\(got ""\)/],
        [
            "an uppercase service account",
            { k8sServiceAccount: "Membrane-SA" },
            /^membrane:k8sServiceAccount: must be a Kubernetes service account name \(an RFC 1123 subdomain\).*\(got "Membrane-SA"\)$/,
        ],
        [
            "a service account with an underscore",
            { k8sServiceAccount: "membrane_sa" },
            /^membrane:k8sServiceAccount: must be a Kubernetes service account name/,
        ],
        ["a service account ending with a dot", { k8sServiceAccount: "sa." }, /^membrane:k8sServiceAccount: must be/],
        ["a service account with an empty part", { k8sServiceAccount: "a..b" }, /^membrane:k8sServiceAccount: must be/],
        [
            "a 254-character service account",
            { k8sServiceAccount: `${"a".repeat(63)}.`.repeat(3) + "b".repeat(62) },
            /^membrane:k8sServiceAccount: must be .*at most 253/,
        ],
        ["an empty service account", { k8sServiceAccount: "" }, /^membrane:k8sServiceAccount: must be.*\(got ""\)/],
        [
            "a cluster name starting with a hyphen",
            { eksClusterName: "-prod" },
            /^membrane:eksClusterName: must be an EKS cluster name: 1 to 100 .*\(got "-prod"\)$/,
        ],
        ["a cluster name with a space", { eksClusterName: "acme prod" }, /^membrane:eksClusterName: must be an EKS cluster name/],
        ["a cluster name with a dot", { eksClusterName: "acme.prod" }, /^membrane:eksClusterName: must be an EKS cluster name/],
        ["a 101-character cluster name", { eksClusterName: "c".repeat(101) }, /^membrane:eksClusterName: must be an EKS cluster name/],
        [
            "an unknown OIDC provider mode",
            { eksOidcProvider: "new" },
            /^membrane:eksOidcProvider: must be one of existing, create \(got "new"\)$/,
        ],
        [
            "Pod Identity without a cluster",
            { eksPodIdentity: true },
            /^membrane:eksPodIdentity: is true but membrane:eksClusterName is empty/,
        ],
        [
            "creating an OIDC provider without a cluster",
            { eksOidcProvider: "create" },
            /^membrane:eksOidcProvider: is "create" but membrane:eksClusterName is empty/,
        ],
        [
            "creating an OIDC provider with Pod Identity",
            { eksClusterName: "c1", eksPodIdentity: true, eksOidcProvider: "create" },
            /^membrane:eksOidcProvider: is "create" but membrane:eksPodIdentity is true/,
        ],
        [
            "no role at all",
            { ecsTaskRole: false },
            /^membrane:ecsTaskRole: is false and membrane:eksClusterName is empty, so no role would give Membrane access to its buckets/,
        ],
        ["ecsTaskRole not a boolean", { ecsTaskRole: "yes" }, /^membrane:ecsTaskRole: must be true or false \(got "yes"\)$/],
        ["eksPodIdentity not a boolean", { eksPodIdentity: "on" }, /^membrane:eksPodIdentity: must be true or false \(got "on"\)$/],
        [
            "a declared key that reached the program without a value",
            { eksOidcProvider: undefined },
            /^membrane:eksOidcProvider: has no value \(its default belongs in Pulumi.yaml\)$/,
        ],
    ];
    itRefuses(bad);

    it("membrane:ec2InstanceRole: off by default; on, the EC2 role and its instance profile, which alone are enough", () => {
        expect(readSettings(raw(VALID)).iam.ec2Role).to.equal(undefined);
        expect(readSettings(raw({ ...VALID, ec2InstanceRole: true })).iam.ec2Role).to.deep.equal({
            roleName: "prod-membrane-ec2-role",
            policyName: "prod-membrane-ec2-s3-access",
            instanceProfileName: "prod-membrane-ec2-profile",
        });
        expect(problemsOf({ ecsTaskRole: false, ec2InstanceRole: true })).to.deep.equal([]);
        expect(problemsOf({ ecsTaskRole: false, ec2InstanceRole: "yes" })[0]).to.match(/^membrane:ec2InstanceRole: must be true or false/);
        // "-membrane-ec2-role" is 18 characters: an environment of 47 makes a 65-character role name.
        const env = "e".repeat(47);
        const r = new ConfigReader(raw({ ...VALID, environment: env, ec2InstanceRole: true, ecsTaskRole: false }));
        readIam(r, stackOf(env), {});
        expect(r.problems).to.deep.equal([
            `membrane:environment: makes the IAM role name "${env}-membrane-ec2-role" 65 characters long; IAM allows 64`,
        ]);
    });

    it("reports one problem per broken rule: Pod Identity without a cluster is not also 'no role'", () => {
        expect(problemsOf({ ecsTaskRole: false, eksPodIdentity: true })).to.deep.equal([
            "membrane:eksPodIdentity: is true but membrane:eksClusterName is empty: Pod Identity associates the role with a service account of a named EKS cluster",
        ]);
    });

    it("reports the IAM problems with the others, all at once", () => {
        const problems = problemsOf({ vpcId: "nope", k8sNamespace: "Bad", k8sServiceAccount: "Bad", eksClusterName: "-x" });
        expect(problems.map((p) => p.split(":")[1])).to.deep.equal(["vpcId", "eksClusterName", "k8sNamespace", "k8sServiceAccount"]);
    });

    it("the seed's names", () => {
        expect(iamNames("staging")).to.deep.equal({
            ecs: { roleName: "staging-membrane-task-role", policyName: "staging-membrane-s3-access" },
            eks: { roleName: "staging-membrane-k8s-role", policyName: "staging-membrane-k8s-s3-access" },
            ec2: {
                roleName: "staging-membrane-ec2-role",
                policyName: "staging-membrane-ec2-s3-access",
                instanceProfileName: "staging-membrane-ec2-profile",
            },
        });
    });

    // The bucket names' 63 characters already cap the environment below this; the IAM limit is checked on its own.
    it("refuses an environment that makes a role name longer than IAM's 64 characters", () => {
        const env = "e".repeat(46);
        const r = new ConfigReader(raw({ ...VALID, environment: env, eksClusterName: "c1" }));
        readIam(r, stackOf(env), {});
        // "-membrane-k8s-role" is one character shorter: 64, still allowed.
        expect(r.problems).to.deep.equal([
            `membrane:environment: makes the IAM role name "${env}-membrane-task-role" 65 characters long; IAM allows 64`,
        ]);
    });

    it("refuses an environment that makes a policy name longer than IAM's 128 characters", () => {
        const env = "e".repeat(110);
        const r = new ConfigReader(raw({ ...VALID, environment: env, ecsTaskRole: false, eksClusterName: "c1" }));
        readIam(r, stackOf(env), {});
        expect(r.problems).to.deep.equal([
            `membrane:environment: makes the IAM role name "${env}-membrane-k8s-role" 128 characters long; IAM allows 64`,
            `membrane:environment: makes the IAM policy name "${env}-membrane-k8s-s3-access" 133 characters long; IAM allows 128`,
        ]);
    });
});

describe("membrane:iamPermissionsBoundaryArn", () => {
    it("takes a managed policy ARN and refuses anything else, naming the key", () => {
        expect(problemsOf({ iamPermissionsBoundaryArn: "arn:aws:iam::123456789012:policy/membrane-boundary-prod" })).to.deep.equal([]);
        expect(problemsOf({ iamPermissionsBoundaryArn: "arn:aws-us-gov:iam::111122223333:policy/path/membrane-boundary" })).to.deep.equal(
            [],
        );
        for (const bad of [
            "membrane-boundary-prod",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::123:policy/membrane-boundary",
            "arn:aws:iam::123456789012:policy/",
            `arn:aws:iam::123456789012:role/membrane-boundary`,
        ]) {
            expect(problemsOf({ iamPermissionsBoundaryArn: bad }), bad).to.deep.equal([
                `membrane:iamPermissionsBoundaryArn: must be an IAM managed policy ARN, arn:aws:iam::<account>:policy/<name> (got "${bad}")`,
            ]);
        }
    });
});

describe("membrane:kmsKeyAdministratorArn", () => {
    it("takes a role ARN, reaches the alarm keys' policies, and refuses anything else, naming the key", () => {
        const role = "arn:aws:iam::123456789012:role/membrane-deploy-prod";
        expect(problemsOf({ kmsKeyAdministratorArn: role })).to.deep.equal([]);
        expect(readSettings(raw({ ...VALID, "membrane:kmsKeyAdministratorArn": role })).monitoring?.keyAdministratorArn).to.equal(role);
        expect(readSettings(raw(VALID)).monitoring?.keyAdministratorArn).to.equal(undefined);
        for (const bad of [
            "membrane-deploy-prod",
            "arn:aws:iam::123456789012:policy/membrane-boundary-prod",
            "arn:aws:iam::123456789012:root",
        ]) {
            expect(problemsOf({ kmsKeyAdministratorArn: bad }), bad).to.deep.equal([
                `membrane:kmsKeyAdministratorArn: must be an IAM role ARN, arn:aws:iam::<account>:role/<name>: a key policy names a principal, which IAM checks when the key is created (got "${bad}")`,
            ]);
        }
    });
});

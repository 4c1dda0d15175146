// The fixture Membrane stacks' deploy-role scopes, as the deployments program derives them (its config
// reader over test/fixtures, the issuer of an EKS cluster from the stack's cloud file), and the variants
// of the Membrane program the permission tests evaluate. Shared by the permission and escalation tests.
import * as fs from "fs";
import * as path from "path";
import { deployScope, parseDeploymentsConfig } from "../../deployments/config";
import { membraneSource } from "../../deployments/membrane-source";
import { DeployScope } from "../../deployments/permissions";
import { loadCloudFixture } from "../../tools/cloud-file";
import { PROJECT_DIR } from "../../tools/engine";
import { ACCOUNT_ID, HOSTED_ZONE_ID } from "../../tools/mock-cloud";
import { rawDeployments, VALID_DEPLOYMENTS } from "../deployments/harness";
import { FIXTURES } from "../harness";

export const BOUNDARY = (stack: string) => `arn:aws:iam::${ACCOUNT_ID}:policy/membrane-boundary-${stack}`;
export const DEPLOY_ROLE = (stack: string) => `arn:aws:iam::${ACCOUNT_ID}:role/membrane-deploy-${stack}`;
export const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const config = parseDeploymentsConfig(
    rawDeployments({ ...VALID_DEPLOYMENTS, stacks: ["staging", "prod", "legacy"], stackConfigDir: path.relative(PROJECT_DIR, FIXTURES) }, [
        "atlasClientSecret",
    ]),
    membraneSource("", path.relative(PROJECT_DIR, FIXTURES), PROJECT_DIR),
);

/** The issuer of the stack's cluster, as its cloud file (the account) says. */
function eksIssuerOf(stack: string, cluster: string): string | undefined {
    const file = path.join(FIXTURES, `${stack}.cloud.yaml`);
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const found = (loadCloudFixture(file).eksClusters ?? []).find((c) => c.name === cluster);
    return found?.oidcIssuer.replace(/^https:\/\//, "");
}

export function scopeOf(stack: string): DeployScope {
    const { facts } = config.stacks.find((s) => s.stack === stack)!;
    const issuer = facts.eksClusterName && eksIssuerOf(stack, facts.eksClusterName);
    return deployScope(facts, {
        partition: "aws",
        accountId: ACCOUNT_ID,
        zoneId: HOSTED_ZONE_ID,
        boundaryArn: BOUNDARY(stack),
        ...(issuer && { eksOidcIssuer: issuer }),
    });
}

export interface Variant {
    readonly name: string;
    readonly stack: string;
    readonly overrides: Record<string, unknown>;
    /** What the deployments program reads from such a stack file, beyond the fixture's own. */
    readonly scope?: Partial<DeployScope>;
}

/** The Membrane program on the fixture stacks and their documented variants. */
export const VARIANTS: readonly Variant[] = [
    { name: "prod (IRSA with the cluster's existing provider, PrivateLink)", stack: "prod", overrides: {} },
    { name: "staging (access list, single Redis node)", stack: "staging", overrides: {} },
    { name: "prod with EKS Pod Identity", stack: "prod", overrides: { "membrane:eksPodIdentity": true } },
    { name: "prod with IRSA creating the cluster's OIDC provider", stack: "prod", overrides: { "membrane:eksOidcProvider": "create" } },
    {
        name: "staging with an external database",
        stack: "staging",
        overrides: { "membrane:databaseMode": "external", "membrane:externalMongoUri": { secret: "mongodb+srv://u:p@h.example.net/db" } },
    },
    {
        name: "staging with cluster-mode Redis",
        stack: "staging",
        overrides: { "membrane:redisClusterMode": true, "membrane:redisAutomaticFailover": true },
    },
    { name: "staging with the boundary set", stack: "staging", overrides: { "membrane:iamPermissionsBoundaryArn": BOUNDARY("staging") } },
    {
        name: "staging with an alarm email and the static bucket replicated",
        stack: "staging",
        overrides: { "membrane:alarmEmail": "ops@acme.example.com", "membrane:s3ReplicateStatic": true },
    },
    {
        // What the deployments program reads from such a stack file: the key and the existing role.
        name: "staging with a customer managed key, a registry pull secret and an existing ECS execution role",
        stack: "staging",
        overrides: {
            "membrane:secretsKmsKeyArn": KMS_KEY,
            "membrane:ecsRepositoryCredentialsSecretArn": `arn:aws:secretsmanager:eu-west-1:${ACCOUNT_ID}:secret:membrane/staging/registry-AbC123`,
            "membrane:ecsExecutionRole": "existing",
            "membrane:ecsExecutionRoleName": "acme-ecs-execution",
        },
        scope: { secretsKmsKeyArn: KMS_KEY, existingExecutionRoleName: "acme-ecs-execution" },
    },
    { name: "legacy (the vendor's install, adopted)", stack: "legacy", overrides: {} },
    {
        // What the deployments program reads from a stack file with membrane:ec2InstanceRole: true.
        name: "staging with the EC2 instance role of Docker and Compose hosts",
        stack: "staging",
        overrides: { "membrane:ec2InstanceRole": true },
        scope: { ec2InstanceRole: true },
    },
    {
        // What the deployments program reads from a stack file with membrane:regionInNames: true.
        name: "staging with the region in its names, an alarm email and the static bucket replicated",
        stack: "staging",
        overrides: { "membrane:regionInNames": true, "membrane:alarmEmail": "ops@acme.example.com", "membrane:s3ReplicateStatic": true },
        scope: { nameSuffix: "-eu-west-1" },
    },
    {
        name: "staging without a custom domain",
        stack: "staging",
        overrides: { "membrane:hostedZoneName": "", "membrane:staticDomainName": "" },
        scope: { dns: undefined },
    },
];

export const variantScope = (v: Variant): DeployScope => ({ ...scopeOf(v.stack), ...v.scope });

// The escalation suite's fixtures: the attacking stacks (both fixture stacks, adoption and a variant),
// the catalogue over them, the policies of this version of the programs, and the guards' arguments.
import { alarmKeyPolicy } from "../../components/observability/monitoring";
import { boundaryPolicy, deployPolicies } from "../../deployments/permissions";
import { ACCOUNT_ID } from "../../tools/mock-cloud";
import { DEPLOY_ROLE, KMS_KEY, scopeOf } from "./deploy-scopes";
import { Attempt, crossStackAttempts, ORGANIZATION_ID, PolicySource, selfAttempts, StackView } from "./escalation-catalogue";

/** One object per input: the simulator validates and parses a policy object once and reuses it. */
function memo<K extends object, V>(f: (k: K) => V): (k: K) => V {
    const cache = new WeakMap<K, V>();
    return (k) => {
        if (!cache.has(k)) {
            cache.set(k, f(k));
        }
        return cache.get(k)!;
    };
}

export const CURRENT: PolicySource = {
    deployPolicies: memo((s) => Object.values(deployPolicies(s))),
    boundaryPolicy: memo(boundaryPolicy),
    keyPolicy: memo((v) =>
        alarmKeyPolicy({
            partition: "aws",
            accountId: ACCOUNT_ID,
            region: v.scope.region,
            namePrefix: `${v.scope.environment}-membrane`,
            administratorArn: DEPLOY_ROLE(v.stack),
        }),
    ),
};

export const GUARDS = {
    organizationId: ORGANIZATION_ID,
    administratorArns: [`arn:aws:iam::${ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*`],
    endpointServiceOwners: ["536727724300"],
};

/** The fixture stacks, and the variants whose scope differs: adoption (legacy), a customer key with an existing execution role, regionInNames. */
export const ATTACKERS: readonly StackView[] = [
    { stack: "staging", scope: scopeOf("staging") },
    { stack: "prod", scope: scopeOf("prod") },
    { stack: "legacy", scope: scopeOf("legacy") },
    {
        stack: "staging",
        scope: {
            ...scopeOf("staging"),
            secretsKmsKeyArn: KMS_KEY,
            existingExecutionRoleName: "acme-ecs-execution",
            nameSuffix: "-eu-west-1",
        },
    },
];
const STACKS = ATTACKERS.slice(0, 3);

/** The victim's stack as if it were deployed in the attacker's region. */
function inRegionOf(vic: StackView, att: StackView): StackView {
    return { stack: vic.stack, scope: { ...vic.scope, region: att.scope.region } };
}

export function catalogue(): Array<{ attempt: Attempt; att: StackView; vic: StackView }> {
    const all = [
        ...ATTACKERS.flatMap((att) => selfAttempts(att).map((attempt) => ({ attempt, att, vic: att }))),
        ...STACKS.flatMap((att) =>
            STACKS.filter((vic) => vic.stack !== att.stack).flatMap((vic) => {
                const attempts = crossStackAttempts(att, vic);
                // The fixture stacks are in three regions, so a regional ARN of the victim's is out of the attacker's
                // reach by its region alone: the attempts on regional resources again, with the victim in the
                // attacker's region, where only names and tags can refuse.
                const near = inRegionOf(vic, att);
                const steps = new Map(attempts.map((a) => [a.id, JSON.stringify(a.steps)]));
                const regional = crossStackAttempts(att, near).filter((a) => JSON.stringify(a.steps) !== steps.get(a.id));
                return [
                    ...attempts.map((attempt) => ({ attempt, att, vic })),
                    ...regional.map((attempt) => ({ attempt: { ...attempt, id: `${attempt.id}@same-region` }, att, vic: near })),
                ];
            }),
        ),
    ];
    // The variant attacker repeats the staging ids: keep them apart.
    const seen = new Set<string>();
    return all.map((e) => {
        const id = seen.has(e.attempt.id) ? `${e.attempt.id}@variant` : e.attempt.id;
        seen.add(id);
        return { ...e, attempt: { ...e.attempt, id } };
    });
}

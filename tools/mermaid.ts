// The architecture diagram, generated from an evaluation so it cannot drift from the code: one box per
// component, described as a user thinks of it (the buckets, the CDN and its name, Redis and its nodes,
// the roles, the database), what flows between them, and which of Membrane's variables each one feeds.
import { isVariableName } from "../components/outputs/env";
import { groupByComponent } from "./components";
import type { Evaluation, RegisteredResource } from "./run-program";

type Describe = (resources: RegisteredResource[]) => string[];

const ofType = (resources: RegisteredResource[], type: string) => resources.filter((r) => r.type.endsWith(`:${type}`));
const input = (r: RegisteredResource | undefined, key: string): unknown => r?.inputs[key];

/** What each component is, in the user's words. A component without an entry fails a test. */
export const COMPONENT_DESCRIPTIONS: Readonly<Record<string, Describe>> = {
    "membrane:storage:Storage": (rs) => ["S3 buckets", ...ofType(rs, "Bucket").map((b) => String(input(b, "bucket")))],
    "membrane:cdn:Cdn": (rs) => {
        const alias = (input(ofType(rs, "Distribution")[0], "aliases") as string[] | undefined)?.[0];
        return [
            "CloudFront CDN for the static bucket",
            alias ? `${alias}, ACM certificate, Route 53 records` : "*.cloudfront.net name, default certificate",
        ];
    },
    "membrane:redis:Redis": (rs) => {
        const g = ofType(rs, "ReplicationGroup")[0];
        const nodes =
            input(g, "clusterMode") === "enabled"
                ? `${input(g, "numNodeGroups")} shards × ${Number(input(g, "replicasPerNodeGroup")) + 1} nodes`
                : `${input(g, "numCacheClusters")} node${input(g, "numCacheClusters") === 1 ? "" : "s"}`;
        return [`ElastiCache ${input(g, "engine")} ${input(g, "engineVersion")}`, `${nodes}, ${input(g, "nodeType")}, TLS + AUTH`];
    },
    "membrane:iam:Iam": (rs) => ["IAM roles for the containers", ...ofType(rs, "Role").map((r) => String(input(r, "name")))],
    "membrane:database:Database": (rs) => {
        const cluster = ofType(rs, "AdvancedCluster")[0];
        if (!cluster) {
            return ["MongoDB", "external: your MONGO_URI"];
        }
        const spec = (input(cluster, "replicationSpecs") as any)?.[0]?.regionConfigs?.[0];
        const access = ofType(rs, "VpcEndpoint").length > 0 ? "over PrivateLink" : "IP access list";
        return ["MongoDB Atlas", `${input(cluster, "name")}: ${spec?.electableSpecs?.instanceSize} replica set, ${access}`];
    },
    "membrane:secrets:AppSecrets": () => ["Membrane's own secrets", "generated once, kept in state"],
    "membrane:logging:Logs": (rs) => {
        const bucket = ofType(rs, "Bucket")[0];
        const groups = ofType(rs, "LogGroup");
        const expiry = (input(ofType(rs, "BucketLifecycleConfiguration")[0], "rules") as any)?.[0]?.expiration?.days;
        return [
            `Access and engine logs, kept ${input(groups[0], "retentionInDays") ?? expiry} days`,
            ...(bucket ? [`${input(bucket, "bucket")}${ofType(rs, "LogDelivery").length > 0 ? " (S3 and CloudFront)" : " (S3)"}`] : []),
            ...(groups.length > 0 ? [`Redis ${groups.length === 2 ? "slow and engine logs" : "slow log"} in CloudWatch Logs`] : []),
        ];
    },
    "membrane:storage:Replication": (rs) => {
        const replicas = ofType(rs, "Bucket").filter((b) => !String(input(b, "bucket")).includes("-integration-app-logs-"));
        return [`Cross-region replicas in ${input(replicas[0], "region")}`, ...replicas.map((b) => String(input(b, "bucket")))];
    },
    "membrane:monitoring:Monitoring": (rs) => {
        const alarms = ofType(rs, "MetricAlarm").length;
        const topics = ofType(rs, "Topic").length;
        const alerts = ofType(rs, "AlertConfiguration").length;
        return [
            "CloudWatch alarms and Atlas alerts",
            `${alarms} alarms to ${topics === 1 ? "an encrypted SNS topic" : `${topics} encrypted SNS topics`}${alerts > 0 ? `, ${alerts} Atlas alerts` : ""}`,
        ];
    },
    "membrane:database:Backup": (rs) => {
        const s = ofType(rs, "CloudBackupSchedule")[0];
        const item = (k: string) => (input(s, k) as any)?.retentionValue ?? (input(s, k) as any)?.[0]?.retentionValue;
        return [
            "Atlas backup policy",
            `6-hourly ${item("policyItemHourly")} d, daily ${item("policyItemDaily")} d, weekly ${item("policyItemWeeklies")} w, monthly ${item("policyItemMonthlies")} mo`,
            `point in time: last ${input(s, "restoreWindowDays")} days`,
        ];
    },
    "membrane:secrets:CredentialsStore": (rs) => [
        "Secrets Manager secret for ECS and Kubernetes",
        ...ofType(rs, "Secret").map((s) => String(input(s, "name"))),
        // Each reader has an inline policy here, on a role of this component or of Iam.
        ...ofType(rs, "RolePolicy").map((p) => `read by ${String(input(p, "role"))}`),
    ],
};

const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, "_");

export function mermaid(ev: Evaluation): string {
    const groups = groupByComponent(ev);
    const owner = new Map<string, RegisteredResource>(
        groups.flatMap((g) => g.resources.map((r): [string, RegisteredResource] => [r.urn, g.component])),
    );
    const region = ev.outputs.AWS_REGION?.value;

    const lines = ["flowchart LR", '  vpc[/"your VPC and private subnets"/]'];
    for (const { component: c, resources } of groups) {
        const describe = COMPONENT_DESCRIPTIONS[c.type];
        const [what, ...details] = describe ? describe(resources) : [`${resources.length} resources`];
        lines.push(`  ${id(c.name)}["<b>${c.type.split(":")[2]}</b><br/>${[what, ...details].join("<br/>")}"]`);
    }

    const edges = new Set<string>();
    for (const r of ev.resources) {
        const to = owner.get(r.urn);
        for (const from of r.dependencies.map((d) => owner.get(d))) {
            if (from && to && from !== to) {
                edges.add(`  ${id(from.name)} --> ${id(to.name)}`);
            }
        }
        if (to && ["vpcId", "subnetIds"].some((k) => r.inputs[k] !== undefined)) {
            edges.add(`  vpc --- ${id(to.name)}`);
        }
    }
    lines.push(...[...edges].sort());

    // Each variable is drawn from the component whose registered outputs it is made of.
    const variables = Object.keys(ev.outputs).filter(isVariableName).sort();
    lines.push(`  env[/"Membrane's environment (stack outputs)${region ? `, ${region}` : ""}"/]`);
    for (const { component: c } of groups) {
        const values = Object.values(c.outputs).filter((v): v is string => typeof v === "string" && v.length >= 6);
        const fed = variables.filter((k) => {
            const v = ev.outputs[k].value;
            return typeof v === "string" && values.some((o) => v === o || v.includes(o));
        });
        if (fed.length > 0) {
            lines.push(`  ${id(c.name)} -- "${fed.join("<br/>")}" --> env`);
        }
    }
    return `${lines.join("\n")}\n`;
}

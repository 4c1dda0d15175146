// What the cloud would answer, offline: the outputs a provider computes for each resource type the
// program creates, and the data sources it reads. Values the cloud alone can know are placeholders
// that say so (`<name.property>`); values AWS derives from the inputs (bucket ARNs) are derived.
import * as crypto from "crypto";

export const ACCOUNT_ID = "111122223333";

export type State = Record<string, unknown>;

export interface NewResourceArgs {
    readonly type: string;
    readonly name: string;
    readonly inputs: State;
    readonly region: string;
}

/** A value only a real deployment can know, spelled so that nobody mistakes it for a real one. */
export function placeholder(name: string, property: string): string {
    return `<${name}.${property}>`;
}

export function isPlaceholder(value: string): boolean {
    return /<[^<>]+\.[^<>]+>/.test(value);
}

const CHARSETS = {
    lower: "abcdefghijklmnopqrstuvwxyz",
    upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    numeric: "0123456789",
    special: "!@#$%&*()-_=+[]{}<>:?",
};

/**
 * random.RandomPassword / RandomString as the provider computes them: `length` characters drawn from
 * the enabled classes (each class on unless set to false), `overrideSpecial` replacing the specials,
 * and each class's `min*` honoured. Seeded by the resource name, so a plan is reproducible.
 */
export function randomString(name: string, inputs: State): string {
    const length = Number(inputs.length ?? 16);
    const specials = typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : CHARSETS.special;
    const classes: Array<[string, number]> = [];
    for (const cls of ["lower", "upper", "numeric", "special"] as const) {
        if (inputs[cls] !== false) {
            const min = Number(inputs[`min${cls[0].toUpperCase()}${cls.slice(1)}`] ?? 0);
            classes.push([cls === "special" ? specials : CHARSETS[cls], min]);
        }
    }
    const alphabet = classes.map(([chars]) => chars).join("");
    let seed = crypto.createHash("sha256").update(name).digest();
    const nextByte = (() => {
        let i = 0;
        return () => {
            if (i >= seed.length) {
                seed = crypto.createHash("sha256").update(seed).digest();
                i = 0;
            }
            return seed[i++];
        };
    })();
    const chars: string[] = [];
    for (const [set, min] of classes) {
        for (let k = 0; k < min; k++) {
            chars.push(set[nextByte() % set.length]);
        }
    }
    while (chars.length < length) {
        chars.push(alphabet[nextByte() % alphabet.length]);
    }
    return chars.slice(0, length).join("");
}

type StateFn = (args: NewResourceArgs) => State;

const str = (v: unknown, fallback: string): string => (typeof v === "string" && v !== "" ? v : fallback);

const storageState: Record<string, StateFn> = {
    "aws:s3/bucket:Bucket": ({ name, inputs, region }) => {
        const bucket = str(inputs.bucket, `${name}-${ACCOUNT_ID}`);
        return {
            id: bucket,
            bucket,
            arn: `arn:aws:s3:::${bucket}`,
            region,
            bucketDomainName: `${bucket}.s3.amazonaws.com`,
            bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        };
    },
};

const randomState: Record<string, StateFn> = {
    "random:index/randomPassword:RandomPassword": ({ name, inputs }) => ({
        result: randomString(name, inputs),
        bcryptHash: placeholder(name, "bcryptHash"),
    }),
    "random:index/randomString:RandomString": ({ name, inputs }) => ({ result: randomString(name, inputs) }),
};

// One table per component's resource family.
const cdnState: Record<string, StateFn> = {};
const hexOf = (seed: string, digits: number): string => crypto.createHash("sha256").update(seed).digest("hex").slice(0, digits);

const redisState: Record<string, StateFn> = {
    "aws:elasticache/subnetGroup:SubnetGroup": ({ name, inputs, region }) => {
        // ElastiCache stores the name in lowercase.
        const group = str(inputs.name, name).toLowerCase();
        return { id: group, name: group, arn: `arn:aws:elasticache:${region}:${ACCOUNT_ID}:subnetgroup:${group}`, vpcId: placeholder(name, "vpcId") };
    },
    "aws:ec2/securityGroup:SecurityGroup": ({ name, inputs, region }) => {
        const id = `sg-${hexOf(`${region}/${name}`, 17)}`;
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group/${id}`,
            // The provider appends a unique suffix to name_prefix.
            name: str(inputs.name, `${str(inputs.namePrefix, "terraform-")}${placeholder(name, "nameSuffix")}`),
            ownerId: ACCOUNT_ID,
        };
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ({ name, region }) => {
        const id = `sgr-${hexOf(`${region}/${name}`, 17)}`;
        return { id, securityGroupRuleId: id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group-rule/${id}` };
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": ({ name, inputs, region }) => {
        const id = str(inputs.replicationGroupId, name).toLowerCase();
        const clusterEnabled = inputs.clusterMode === "enabled";
        // Member cache clusters as ElastiCache names them: <id>-00N, or <id>-000S-00N per shard in cluster mode.
        const pad = (n: number, w: number) => String(n).padStart(w, "0");
        const members = clusterEnabled
            ? Array.from({ length: Number(inputs.numNodeGroups ?? 1) }, (_, s) =>
                  Array.from({ length: Number(inputs.replicasPerNodeGroup ?? 0) + 1 }, (_, n) => `${id}-${pad(s + 1, 4)}-${pad(n + 1, 3)}`),
              ).flat()
            : Array.from({ length: Number(inputs.numCacheClusters ?? 1) }, (_, n) => `${id}-${pad(n + 1, 3)}`);
        // The endpoints' host names hold a token only ElastiCache knows; in cluster mode there is only a
        // configuration endpoint, otherwise only primary and reader endpoints.
        const endpoints = clusterEnabled
            ? { configurationEndpointAddress: placeholder(name, "configurationEndpointAddress") }
            : { primaryEndpointAddress: placeholder(name, "primaryEndpointAddress"), readerEndpointAddress: placeholder(name, "readerEndpointAddress") };
        return {
            id,
            arn: `arn:aws:elasticache:${region}:${ACCOUNT_ID}:replicationgroup:${id}`,
            clusterEnabled,
            memberClusters: members,
            engineVersionActual: placeholder(name, "engineVersionActual"),
            ...endpoints,
        };
    },
};
const iamState: Record<string, StateFn> = {};
const databaseState: Record<string, StateFn> = {};

const resourceState: Record<string, StateFn> = {
    ...storageState,
    ...randomState,
    ...cdnState,
    ...redisState,
    ...iamState,
    ...databaseState,
};

/** The outputs a provider adds to a resource's inputs, and its id. */
export function newResourceState(args: NewResourceArgs): { id: string; state: State } {
    const computed = resourceState[args.type]?.(args) ?? {};
    const id = str(computed.id, placeholder(args.name, "id"));
    const state: State = { ...args.inputs, ...computed };
    delete state.id;
    if (args.type.startsWith("aws:") && state.arn === undefined) {
        const [, mod] = /^aws:([^/]+)\//.exec(args.type) ?? [];
        state.arn = `arn:aws:${mod}:${args.region}:${ACCOUNT_ID}:${placeholder(args.name, "arn")}`;
    }
    return { id, state };
}

type InvokeFn = (inputs: State, region: string) => State;

const awsInvokes: Record<string, InvokeFn> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/offline`,
        userId: "AIDAOFFLINE",
        id: ACCOUNT_ID,
    }),
    "aws:index/getPartition:getPartition": () => ({
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
        id: "aws",
    }),
    "aws:index/getRegion:getRegion": (_inputs, region) => ({ name: region, region, id: region }),
};

// One table per component's data sources.
const cdnInvokes: Record<string, InvokeFn> = {};
const redisInvokes: Record<string, InvokeFn> = {};
const iamInvokes: Record<string, InvokeFn> = {};
const databaseInvokes: Record<string, InvokeFn> = {};

const invokes: Record<string, InvokeFn> = { ...awsInvokes, ...cdnInvokes, ...redisInvokes, ...iamInvokes, ...databaseInvokes };

export class UnknownInvokeError extends Error {}

/** Data sources. An invoke the table does not know is an error, never an echo of its arguments. */
export function invoke(token: string, inputs: State, region: string): State {
    const fn = invokes[token];
    if (!fn) {
        throw new UnknownInvokeError(`the offline engine has no answer for data source ${token}`);
    }
    return fn(inputs, region);
}

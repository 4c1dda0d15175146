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
const redisState: Record<string, StateFn> = {};
const iamState: Record<string, StateFn> = {};
const hex = (seed: string, length: number): string => crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);

/** Atlas's per-project host suffix: `<cluster>.<5 characters>.mongodb.net`. */
const atlasHostSuffix = (projectId: string): string =>
    [...crypto.createHash("sha256").update(`atlas-host:${projectId}`).digest()].slice(0, 5).map((b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");

// What Atlas knows about a project, as the program registers it, for the data source below: its clusters, and the
// interface endpoints linked to its private endpoint service (Atlas lists their connection strings only after that).
const atlasClusters = new Set<string>();
const atlasLinkedEndpoints = new Map<string, Array<{ endpointId: string; region: string }>>();

const databaseState: Record<string, StateFn> = {
    "mongodbatlas:index/project:Project": ({ name, inputs }) => ({ id: hex(`atlas-project:${str(inputs.name, name)}`, 24), created: placeholder(name, "created") }),
    "mongodbatlas:index/advancedCluster:AdvancedCluster": ({ name, inputs }) => {
        const projectId = str(inputs.projectId, placeholder(name, "projectId"));
        const clusterName = str(inputs.name, name);
        atlasClusters.add(`${projectId}/${clusterName}`);
        return {
            id: placeholder(name, "id"),
            clusterId: hex(`atlas-cluster:${projectId}/${clusterName}`, 24),
            stateName: "IDLE",
            mongoDbVersion: placeholder(name, "mongoDbVersion"),
            connectionStrings: {
                standard: placeholder(name, "connectionStrings.standard"),
                standardSrv: `mongodb+srv://${clusterName}.${atlasHostSuffix(projectId)}.mongodb.net`,
                private: "",
                privateSrv: "",
                // None yet: Atlas adds them once an endpoint service is linked (see the data source).
                privateEndpoints: [],
            },
        };
    },
    "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint": ({ name, inputs }) => {
        const awsRegion = String(inputs.region ?? "").toLowerCase().replace(/_/g, "-");
        const privateLinkId = hex(`atlas-private-link:${String(inputs.projectId)}/${awsRegion}`, 24);
        return {
            id: privateLinkId,
            privateLinkId,
            endpointServiceName: `com.amazonaws.vpce.${awsRegion}.vpce-svc-${hex(`vpce-svc:${name}`, 17)}`,
            regionName: awsRegion,
            status: "AVAILABLE",
        };
    },
    "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService": ({ name, inputs }) => {
        const projectId = String(inputs.projectId);
        const endpointId = String(inputs.endpointServiceId);
        atlasLinkedEndpoints.set(projectId, [...(atlasLinkedEndpoints.get(projectId) ?? []), { endpointId, region: placeholder(name, "region") }]);
        return { id: placeholder(name, "id"), interfaceEndpointId: endpointId, awsConnectionStatus: "AVAILABLE" };
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": ({ name }) => ({ id: `vpce-${hex(`vpce:${name}`, 17)}`, state: "available" }),
};

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
const databaseInvokes: Record<string, InvokeFn> = {
    "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster": (inputs) => {
        const projectId = String(inputs.projectId);
        const clusterName = String(inputs.name);
        if (!atlasClusters.has(`${projectId}/${clusterName}`)) {
            throw new Error(`Atlas has no cluster ${clusterName} in project ${projectId}`);
        }
        const suffix = atlasHostSuffix(projectId);
        const linked = atlasLinkedEndpoints.get(projectId) ?? [];
        return {
            projectId,
            name: clusterName,
            clusterType: "REPLICASET",
            stateName: "IDLE",
            connectionStrings: {
                standard: placeholder(clusterName, "connectionStrings.standard"),
                standardSrv: `mongodb+srv://${clusterName}.${suffix}.mongodb.net`,
                private: "",
                privateSrv: "",
                privateEndpoints: linked.map((e, i) => ({
                    type: "MONGOD",
                    connectionString: placeholder(clusterName, "privateEndpoints.connectionString"),
                    srvConnectionString: `mongodb+srv://${clusterName}-pl-${i}.${suffix}.mongodb.net`,
                    srvShardOptimizedConnectionString: "",
                    endpoints: [{ endpointId: e.endpointId, providerName: "AWS", region: e.region }],
                })),
            },
        };
    },
};

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

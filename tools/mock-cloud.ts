// What the cloud would answer, offline: the outputs a provider computes for each resource type the
// program creates, and the data sources it reads. Values the cloud alone can know are placeholders
// that say so (`<name.property>`); values AWS derives from the inputs (bucket ARNs) are derived.
import * as crypto from "crypto";
import { Account, ACCOUNT_ID, ACCOUNT_INVOKES, FixtureAtlasCluster, hashHex, imported, State } from "./mock-account";

export { Account, ACCOUNT_ID, eksIssuer, HOSTED_ZONE_ID } from "./mock-account";
export type { CloudFixture, State } from "./mock-account";

export interface NewResourceArgs {
    /** The resource's type token. */
    readonly type: string;
    /** Its logical name. */
    readonly name: string;
    /** The inputs the program gave it. */
    readonly inputs: State;
    /** The region of its provider. */
    readonly region: string;
    /** The `import` option: the resource exists, and the account says what it holds. */
    readonly importId?: string;
    /** What the stack's cloud file says exists; absent: no cloud file. */
    readonly account?: Account;
    /** For an import: the existing resource's own values, from the account. */
    readonly existing?: State;
}

/** A value only a real deployment can know, spelled so that nobody mistakes it for a real one. */
export function placeholder(name: string, property: string): string {
    return `<${name}.${property}>`;
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

/** CloudFront's fixed hosted zone id for alias records (a real constant, not a placeholder). */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

const withoutDot = (name: string): string => name.replace(/\.$/, "").toLowerCase();

/** A CloudFront resource: global, so its ARN has no region. */
function cloudfrontGlobal(name: string, kind: string): State {
    const id = placeholder(name, "id");
    return { id, arn: `arn:aws:cloudfront::${ACCOUNT_ID}:${kind}/${id}`, etag: placeholder(name, "etag") };
}

// One table per component's resource family.
const cdnState: Record<string, StateFn> = {
    // ACM's validation records are `_<hash>.<domain>.` CNAMEs; the hashes here are fake but DNS-valid,
    // because they flow into Route 53 record names. The certificate id is only known to ACM.
    "aws:acm/certificate:Certificate": ({ name, inputs, region }) => {
        const arn = `arn:aws:acm:${region}:${ACCOUNT_ID}:certificate/${placeholder(name, "certificateId")}`;
        const domains = [str(inputs.domainName, ""), ...((inputs.subjectAlternativeNames as string[] | undefined) ?? [])].filter(Boolean);
        return {
            id: arn,
            arn,
            status: "PENDING_VALIDATION",
            domainValidationOptions: [...new Set(domains)].map((domain) => ({
                domainName: domain,
                resourceRecordName: `_${hashHex(`name:${domain}`, 32)}.${domain}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${hashHex(`value:${domain}`, 32)}.${hashHex(`zone:${domain}`, 10)}.acm-validations.aws.`,
            })),
        };
    },
    "aws:acm/certificateValidation:CertificateValidation": ({ inputs }) => ({
        id: str(inputs.certificateArn, ""),
        certificateArn: inputs.certificateArn,
    }),
    // The distribution's id is CloudFront's; its domain name is `d<13 hex of the name>.cloudfront.net`,
    // fake but DNS-valid since it is a URL and an alias target.
    "aws:cloudfront/distribution:Distribution": ({ name, importId, existing }) => {
        const id = importId ?? placeholder(name, "id");
        return {
            id,
            arn: `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${id}`,
            domainName: str(existing?.domainName, `d${hashHex(name, 13)}.cloudfront.net`),
            hostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID,
            status: "Deployed",
            etag: placeholder(name, "etag"),
        };
    },
    "aws:cloudfront/originAccessControl:OriginAccessControl": ({ name }) => cloudfrontGlobal(name, "origin-access-control"),
    "aws:cloudfront/cachePolicy:CachePolicy": ({ name }) => cloudfrontGlobal(name, "cache-policy"),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": ({ name }) => cloudfrontGlobal(name, "response-headers-policy"),
    // Route 53 stores names lowercased without the trailing dot; the id is zone_name_type.
    "aws:route53/record:Record": ({ name, inputs }) => {
        const recordName = typeof inputs.name === "string" ? withoutDot(inputs.name) : placeholder(name, "name");
        return { id: `${str(inputs.zoneId, "")}_${recordName}_${str(inputs.type, "")}`, name: recordName, fqdn: recordName };
    },
};
const redisState: Record<string, StateFn> = {
    "aws:elasticache/subnetGroup:SubnetGroup": ({ name, inputs, region }) => {
        // ElastiCache stores the name in lowercase.
        const group = str(inputs.name, name).toLowerCase();
        return {
            id: group,
            name: group,
            arn: `arn:aws:elasticache:${region}:${ACCOUNT_ID}:subnetgroup:${group}`,
            vpcId: placeholder(name, "vpcId"),
        };
    },
    "aws:ec2/securityGroup:SecurityGroup": ({ name, inputs, region }) => {
        const id = `sg-${hashHex(`${region}/${name}`, 17)}`;
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group/${id}`,
            // The provider appends a unique suffix to name_prefix.
            name: str(inputs.name, `${str(inputs.namePrefix, "terraform-")}${placeholder(name, "nameSuffix")}`),
            ownerId: ACCOUNT_ID,
        };
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ({ name, region }) => {
        const id = `sgr-${hashHex(`${region}/${name}`, 17)}`;
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
            : {
                  primaryEndpointAddress: placeholder(name, "primaryEndpointAddress"),
                  readerEndpointAddress: placeholder(name, "readerEndpointAddress"),
              };
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
const iamState: Record<string, StateFn> = {
    "aws:iam/role:Role": ({ name, inputs }) => {
        const roleName = str(inputs.name, `${name}-${placeholder(name, "suffix")}`);
        return {
            id: roleName,
            name: roleName,
            arn: `arn:aws:iam::${ACCOUNT_ID}:role/${roleName}`,
            uniqueId: placeholder(name, "uniqueId"),
            createDate: placeholder(name, "createDate"),
        };
    },
    "aws:iam/rolePolicy:RolePolicy": ({ name, inputs }) => ({
        id: `${str(inputs.role, placeholder(name, "role"))}:${str(inputs.name, placeholder(name, "name"))}`,
    }),
    // The provider's ARN names the issuer without its scheme, as IAM stores the URL.
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ({ name, inputs }) => {
        const arn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${str(inputs.url, placeholder(name, "url")).replace(/^https:\/\//, "")}`;
        return { id: arn, arn };
    },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ({ name, inputs, region }) => {
        const associationId = placeholder(name, "associationId");
        return {
            id: `${str(inputs.clusterName, placeholder(name, "clusterName"))},${associationId}`,
            associationId,
            associationArn: `arn:aws:eks:${region}:${ACCOUNT_ID}:podidentityassociation/${str(inputs.clusterName, "")}/${associationId}`,
            disableSessionTags: inputs.disableSessionTags ?? false,
            externalId: placeholder(name, "externalId"),
        };
    },
};
/** Six letters and digits of a hash of `text`: the suffix Secrets Manager appends to a secret's ARN. */
function arnSuffix(text: string): string {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    return [...crypto.createHash("sha256").update(`secret:${text}`).digest()]
        .slice(0, 6)
        .map((b) => chars[b % chars.length])
        .join("");
}

// Secrets Manager: a secret's ARN ends in "-" and 6 random characters, which only AWS knows in advance.
const secretsState: Record<string, StateFn> = {
    "aws:secretsmanager/secret:Secret": ({ name, inputs, region }) => {
        const secretName = str(inputs.name, `${str(inputs.namePrefix, "terraform-")}${placeholder(name, "nameSuffix")}`);
        const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${secretName}-${arnSuffix(`${region}/${secretName}`)}`;
        return { id: arn, arn, name: secretName, policy: "", tagsAll: inputs.tags ?? {} };
    },
    // The provider's id is `<secret ARN>|<version id>`; the version id is a UUID Secrets Manager assigns.
    "aws:secretsmanager/secretVersion:SecretVersion": ({ name, inputs }) => {
        const secretArn = str(inputs.secretId, placeholder(name, "secretId"));
        const versionId = placeholder(name, "versionId");
        return { id: `${secretArn}|${versionId}`, arn: secretArn, secretArn, versionId, versionStages: ["AWSCURRENT"] };
    },
};

/** Atlas's per-project host suffix: `<cluster>.<5 characters>.mongodb.net`. */
const atlasHostSuffix = (projectId: string): string =>
    [...crypto.createHash("sha256").update(`atlas-host:${projectId}`).digest()]
        .slice(0, 5)
        .map((b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36])
        .join("");

// What Atlas knows about a project, as the program registers it, for the data source below: its clusters (by
// `<projectId>/<name>`, with their standard SRV string), and the interface endpoints linked to its private endpoint
// service (Atlas lists their connection strings only after that, and with a delay: see reads after the link).
const atlasClusters = new Map<string, string>();
const atlasLinkedEndpoints = new Map<string, Array<{ endpointId: string; region: string }>>();
const atlasReadsAfterLink = new Map<string, number>();

const databaseState: Record<string, StateFn> = {
    "mongodbatlas:index/project:Project": ({ name, inputs }) => ({
        id: hashHex(`atlas-project:${str(inputs.name, name)}`, 24),
        created: placeholder(name, "created"),
    }),
    "mongodbatlas:index/advancedCluster:AdvancedCluster": ({ name, inputs, existing }) => {
        const projectId = str(inputs.projectId, placeholder(name, "projectId"));
        const clusterName = str(inputs.name, name);
        // An adopted cluster keeps its host names.
        const standardSrv = str(existing?.standardSrv, `mongodb+srv://${clusterName}.${atlasHostSuffix(projectId)}.mongodb.net`);
        atlasClusters.set(`${projectId}/${clusterName}`, standardSrv);
        return {
            id: placeholder(name, "id"),
            clusterId: hashHex(`atlas-cluster:${projectId}/${clusterName}`, 24),
            stateName: "IDLE",
            mongoDbVersion: placeholder(name, "mongoDbVersion"),
            connectionStrings: {
                standard: placeholder(name, "connectionStrings.standard"),
                standardSrv,
                private: "",
                privateSrv: "",
                // None yet: Atlas adds them once an endpoint service is linked (see the data source).
                privateEndpoints: [],
            },
        };
    },
    "mongodbatlas:index/privateLinkEndpoint:PrivateLinkEndpoint": ({ name, inputs }) => {
        const awsRegion = String(inputs.region ?? "")
            .toLowerCase()
            .replace(/_/g, "-");
        const privateLinkId = hashHex(`atlas-private-link:${String(inputs.projectId)}/${awsRegion}`, 24);
        return {
            id: privateLinkId,
            privateLinkId,
            endpointServiceName: `com.amazonaws.vpce.${awsRegion}.vpce-svc-${hashHex(`vpce-svc:${name}`, 17)}`,
            regionName: awsRegion,
            status: "AVAILABLE",
        };
    },
    "mongodbatlas:index/privateLinkEndpointService:PrivateLinkEndpointService": ({ name, inputs }) => {
        const projectId = String(inputs.projectId);
        const endpointId = String(inputs.endpointServiceId);
        atlasLinkedEndpoints.set(projectId, [
            ...(atlasLinkedEndpoints.get(projectId) ?? []),
            { endpointId, region: placeholder(name, "region") },
        ]);
        return { id: placeholder(name, "id"), interfaceEndpointId: endpointId, awsConnectionStatus: "AVAILABLE" };
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": ({ name }) => ({ id: `vpce-${hashHex(`vpce:${name}`, 17)}`, state: "available" }),
};

// The deployments program (deployments/): IAM managed policies and Pulumi Cloud's own resources.
const deploymentsState: Record<string, StateFn> = {
    "aws:iam/policy:Policy": ({ name, inputs }) => {
        const policyName = str(inputs.name, `${name}-${placeholder(name, "suffix")}`);
        const arn = `arn:aws:iam::${ACCOUNT_ID}:policy${str(inputs.path, "/")}${policyName}`;
        return { id: arn, arn, name: policyName, policyId: placeholder(name, "policyId"), attachmentCount: 1 };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ({ name, inputs }) => ({
        id: `${str(inputs.role, placeholder(name, "role"))}/${str(inputs.policyArn, placeholder(name, "policyArn"))}`,
    }),
    "pulumiservice:index:DeploymentSettings": ({ inputs }) => ({
        id: `${str(inputs.organization, "")}/${str(inputs.project, "")}/${str(inputs.stack, "")}`,
    }),
    "pulumiservice:index:DriftSchedule": ({ name, inputs }) => {
        const scheduleId = placeholder(name, "scheduleId");
        return { id: `${str(inputs.organization, "")}/${str(inputs.project, "")}/${str(inputs.stack, "")}/${scheduleId}`, scheduleId };
    },
    "pulumiservice:index:StackTags": ({ inputs }) => ({
        id: `${str(inputs.organization, "")}/${str(inputs.project, "")}/${str(inputs.stack, "")}/tags`,
    }),
    "pulumiservice:index:Environment": ({ name, inputs }) => ({
        id: `${str(inputs.organization, "")}/${str(inputs.project, "default")}/${str(inputs.name, "")}`,
        project: str(inputs.project, "default"),
        environmentId: placeholder(name, "environmentId"),
        revision: 1,
    }),
    "pulumiservice:index:OidcIssuer": ({ name, inputs }) => ({
        id: `${str(inputs.organization, "")}/${placeholder(name, "issuerId")}`,
        thumbprints: [placeholder(name, "thumbprint")],
    }),
};

// Operations (Logs, Replication, Monitoring, Backup): ARNs as each service spells them.
const operationsState: Record<string, StateFn> = {
    "aws:cloudwatch/logGroup:LogGroup": ({ name, inputs, region }) => {
        const group = str(inputs.name, `${name}-${placeholder(name, "suffix")}`);
        return { id: group, name: group, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${group}` };
    },
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": ({ name, inputs, region }) => {
        const source = str(inputs.name, name);
        return { id: source, name: source, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:delivery-source:${source}`, service: "cloudfront" };
    },
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": ({ name, inputs, region }) => {
        const destination = str(inputs.name, name);
        return {
            id: destination,
            name: destination,
            arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:delivery-destination:${destination}`,
            deliveryDestinationType: "S3",
        };
    },
    // CloudWatch Logs generates a delivery's id.
    "aws:cloudwatch/logDelivery:LogDelivery": ({ name, region }) => {
        const id = placeholder(name, "id");
        return { id, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:delivery:${id}` };
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": ({ name, inputs, region }) => {
        const alarm = str(inputs.name, name);
        return { id: alarm, arn: `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${alarm}` };
    },
    "aws:kms/key:Key": ({ name, region }) => {
        const keyId = placeholder(name, "keyId");
        return { id: keyId, keyId, arn: `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${keyId}` };
    },
    "aws:sns/topic:Topic": ({ name, inputs, region }) => {
        const arn = `arn:aws:sns:${region}:${ACCOUNT_ID}:${str(inputs.name, name)}`;
        return { id: arn, arn, owner: ACCOUNT_ID };
    },
    "aws:sns/topicPolicy:TopicPolicy": ({ inputs }) => ({ id: str(inputs.arn, ""), owner: ACCOUNT_ID }),
    // An email subscription stays pending until someone follows the link SNS mails: its ARN is not known until then.
    "aws:sns/topicSubscription:TopicSubscription": ({ name }) => ({
        id: placeholder(name, "arn"),
        arn: placeholder(name, "arn"),
        pendingConfirmation: true,
        confirmationWasAuthenticated: false,
    }),
    "mongodbatlas:index/alertConfiguration:AlertConfiguration": ({ name }) => ({
        id: placeholder(name, "id"),
        alertConfigurationId: placeholder(name, "alertConfigurationId"),
    }),
    "mongodbatlas:index/cloudBackupSchedule:CloudBackupSchedule": ({ name }) => ({
        id: placeholder(name, "id"),
        clusterId: placeholder(name, "clusterId"),
        nextSnapshot: placeholder(name, "nextSnapshot"),
    }),
};

const resourceState: Record<string, StateFn> = {
    ...operationsState,
    ...deploymentsState,
    ...storageState,
    ...randomState,
    ...cdnState,
    ...redisState,
    ...iamState,
    ...databaseState,
    ...secretsState,
};

/** The outputs a provider adds to a resource's inputs, and its id. */
export function newResourceState(args: NewResourceArgs): { id: string; state: State } {
    // An import reads the existing resource first: one the account does not hold fails, as Pulumi's import does.
    const existing = args.importId ? imported(args.type, args.importId, args.account ?? new Account({})) : undefined;
    const computed = resourceState[args.type]?.({ ...args, existing }) ?? {};
    const id = args.importId ?? str(computed.id, placeholder(args.name, "id"));
    const state: State = { ...args.inputs, ...computed };
    delete state.id;
    if (args.type.startsWith("aws:") && state.arn === undefined) {
        const [, mod] = /^aws:([^/]+)\//.exec(args.type) ?? [];
        state.arn = `arn:aws:${mod}:${args.region}:${ACCOUNT_ID}:${placeholder(args.name, "arn")}`;
    }
    return { id, state };
}

type InvokeFn = (inputs: State, region: string, account: Account) => State;

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

// One table per component's data sources (the account's look-ups are in mock-account.ts).
const redisInvokes: Record<string, InvokeFn> = {};
const iamInvokes: Record<string, InvokeFn> = {
    // The chain as the tls provider lists it: root first, the server's own certificate last.
    "tls:index/getCertificate:getCertificate": (inputs) => {
        const url = str(inputs.url, "");
        if (!url.startsWith("https://")) {
            throw new Error(`tls:index/getCertificate offline answers https URLs only (got ${JSON.stringify(inputs.url ?? null)})`);
        }
        const host = new URL(url).host;
        const cert = (label: string, isCa: boolean) => ({
            certPem: placeholder(label, "certPem"),
            isCa,
            issuer: placeholder(label, "issuer"),
            subject: placeholder(label, "subject"),
            maxPathLength: isCa ? 0 : -1,
            notAfter: placeholder(label, "notAfter"),
            notBefore: placeholder(label, "notBefore"),
            publicKeyAlgorithm: "RSA",
            serialNumber: placeholder(label, "serialNumber"),
            sha1Fingerprint: placeholder(label, "sha1Fingerprint"),
            signatureAlgorithm: "SHA256-RSA",
            version: 3,
        });
        return {
            id: placeholder(host, "chain"),
            url,
            certificates: [cert("root-ca", true), cert("intermediate-ca", true), cert(host, false)],
        };
    },
};
/**
 * The private-endpoint strings Atlas lists for a cluster of `projectId`: one per linked endpoint service, once
 * the fixture's `atlas.privateEndpointPublishedAfterReads` reads after the link have gone by (none before).
 */
function privateEndpointStrings(projectId: string, clusterName: string, standardSrv: string, account: Account): State[] {
    const linked = atlasLinkedEndpoints.get(projectId) ?? [];
    const key = `${projectId}/${clusterName}`;
    if (linked.length === 0) {
        return [];
    }
    const reads = (atlasReadsAfterLink.get(key) ?? 0) + 1;
    atlasReadsAfterLink.set(key, reads);
    const after = account.fixture?.atlas?.privateEndpointPublishedAfterReads ?? 0;
    if (after === "never" || reads <= after) {
        return [];
    }
    const host = standardSrv.replace(/^mongodb\+srv:\/\//, "");
    const [label, ...rest] = host.split(".");
    return linked.map((e, i) => ({
        type: "MONGOD",
        connectionString: placeholder(clusterName, "privateEndpoints.connectionString"),
        srvConnectionString: `mongodb+srv://${label}-pl-${i}.${rest.join(".")}`,
        srvShardOptimizedConnectionString: "",
        endpoints: [{ endpointId: e.endpointId, providerName: "AWS", region: e.region }],
    }));
}

/** A cluster as getAdvancedCluster describes it, from the fixture's description of an existing one. */
function existingClusterState(c: FixtureAtlasCluster): State {
    const regionConfig = (regionName: string) => ({
        providerName: c.providerName,
        regionName,
        priority: 7,
        electableSpecs: { instanceSize: c.instanceSize, nodeCount: c.nodeCount },
        autoScaling: { diskGbEnabled: true },
    });
    return {
        clusterType: c.clusterType,
        mongoDbMajorVersion: c.mongoDbMajorVersion,
        backupEnabled: c.backupEnabled,
        pitEnabled: c.pitEnabled,
        terminationProtectionEnabled: c.terminationProtectionEnabled,
        replicationSpecs: [{ regionConfigs: [c.regionName, ...(c.extraRegions ?? [])].map(regionConfig) }],
        tags: {},
    };
}

const databaseInvokes: Record<string, InvokeFn> = {
    // The program's own clusters (registered in this run, created or adopted), or an existing one of the account.
    "mongodbatlas:index/getAdvancedCluster:getAdvancedCluster": (inputs, _region, account) => {
        const projectId = String(inputs.projectId);
        const clusterName = String(inputs.name);
        const registered = atlasClusters.get(`${projectId}/${clusterName}`);
        const existing = account.entries("atlasClusters").find((c) => c.projectId === projectId && c.name === clusterName);
        if (!registered && !existing && account.assuming) {
            account.assume(`Atlas cluster ${clusterName} in project ${projectId} (its settings are compared at pulumi preview)`);
            return { projectId, name: clusterName, connectionStrings: { standardSrv: "", privateEndpoints: [] } };
        }
        const standardSrv = registered ?? existing?.standardSrv;
        if (!standardSrv) {
            throw new Error(`Atlas has no cluster ${clusterName} in project ${projectId} (CLUSTER_NOT_FOUND)`);
        }
        return {
            projectId,
            name: clusterName,
            clusterType: "REPLICASET",
            stateName: "IDLE",
            ...(existing && existingClusterState(existing)),
            connectionStrings: {
                standard: placeholder(clusterName, "connectionStrings.standard"),
                standardSrv,
                private: "",
                privateSrv: "",
                privateEndpoints: privateEndpointStrings(projectId, clusterName, standardSrv, account),
            },
        };
    },
};

const invokes: Record<string, InvokeFn> = { ...awsInvokes, ...ACCOUNT_INVOKES, ...redisInvokes, ...iamInvokes, ...databaseInvokes };

export class UnknownInvokeError extends Error {}

/** Data sources. An invoke the table does not know is an error, never an echo of its arguments. */
export function invoke(token: string, inputs: State, region: string, account: Account = new Account({})): State {
    const fn = invokes[token];
    if (!fn) {
        throw new UnknownInvokeError(`the offline engine has no answer for data source ${token}`);
    }
    return fn(inputs, region, account);
}

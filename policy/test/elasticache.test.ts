import { expect } from "chai";
import { TYPES } from "../lib/tokens";
import { elastiCacheEncryptionAndAuth, elastiCacheHighAvailability } from "../policies/elasticache";
import { FakeResource, UNKNOWN_ARRAY, UNKNOWN_BOOLEAN, UNKNOWN_STRING, checkResource, messagesOf } from "./harness";

const replicationGroup = (overrides: Record<string, unknown> = {}): FakeResource => ({
    type: TYPES.replicationGroup,
    props: {
        description: "Membrane cache and job queue",
        engine: "redis",
        engineVersion: "7.1",
        nodeType: "cache.t4g.small",
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        authToken: "s3cretAlphanumericToken0123456789",
        ...overrides,
    },
});

describe("elasticache-encryption-and-auth", () => {
    const check = (overrides: Record<string, unknown> = {}) => checkResource(elastiCacheEncryptionAndAuth, replicationGroup(overrides));

    it("passes with both encryptions and an AUTH token", () => {
        expect(check()).to.deep.equal({ violations: [] });
    });

    it("passes with RBAC user groups instead of a token", () => {
        expect(check({ authToken: undefined, userGroupIds: ["membrane-users"] })).to.deep.equal({ violations: [] });
    });

    it("passes with a write-only token (authTokenWo)", () => {
        expect(check({ authToken: undefined, authTokenWo: "s3cretAlphanumericToken0123456789" })).to.deep.equal({ violations: [] });
    });

    it("treats a token that is unknown at preview as set", () => {
        expect(check({ authToken: UNKNOWN_STRING })).to.deep.equal({ violations: [] });
    });

    it("treats user groups that are unknown at preview as set", () => {
        expect(check({ authToken: undefined, userGroupIds: UNKNOWN_ARRAY })).to.deep.equal({ violations: [] });
    });

    it("fails without encryption at rest", () => {
        expect(messagesOf(check({ atRestEncryptionEnabled: false }))).to.deep.equal([
            "atRestEncryptionEnabled is not true. Set it to true; it can only be chosen when the group is created.",
        ]);
    });

    it("fails when encryption at rest is left out", () => {
        expect(messagesOf(check({ atRestEncryptionEnabled: undefined }))).to.have.length(1);
    });

    it("fails without encryption in transit", () => {
        const messages = messagesOf(check({ transitEncryptionEnabled: false }));
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^transitEncryptionEnabled is not true\./);
    });

    it("fails when encryption in transit is left out (ElastiCache's default is off)", () => {
        expect(messagesOf(check({ transitEncryptionEnabled: undefined }))).to.have.length(1);
    });

    it("fails without a token or user groups", () => {
        const messages = messagesOf(check({ authToken: undefined }));
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^Neither authToken nor userGroupIds is set\./);
    });

    it("fails with an empty token and an empty user group list", () => {
        expect(messagesOf(check({ authToken: "", userGroupIds: [] }))).to.have.length(1);
    });

    it("leaves an unknown encryption flag to the SDK's advisory", () => {
        const outcome = check({ atRestEncryptionEnabled: UNKNOWN_BOOLEAN });
        expect(outcome.violations).to.deep.equal([]);
        expect(outcome.unknown).to.match(/atRestEncryptionEnabled/);
    });
});

describe("elasticache-high-availability", () => {
    const check = (overrides: Record<string, unknown> = {}) => checkResource(elastiCacheHighAvailability, replicationGroup(overrides));

    it("is advisory by default", () => {
        expect(elastiCacheHighAvailability.enforcementLevel).to.equal("advisory");
    });

    it("passes with two nodes, failover and multi-AZ", () => {
        expect(check()).to.deep.equal({ violations: [] });
    });

    it("does not apply to a single node", () => {
        const single = { numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false };
        expect(check(single)).to.deep.equal({ violations: [] });
    });

    it("fails without automatic failover", () => {
        expect(messagesOf(check({ automaticFailoverEnabled: false }))).to.deep.equal([
            "The group has replicas but automaticFailoverEnabled is not true. Set automaticFailoverEnabled and " +
                "multiAzEnabled to true so a replica takes over when the primary fails.",
        ]);
    });

    it("fails without multi-AZ", () => {
        const messages = messagesOf(check({ multiAzEnabled: undefined }));
        expect(messages).to.have.length(1);
        expect(messages[0]).to.match(/^The group has replicas but multiAzEnabled is not true\./);
    });

    it("applies to cluster mode with replicas per node group", () => {
        const clusterMode = {
            numCacheClusters: undefined,
            clusterMode: "enabled",
            numNodeGroups: 2,
            replicasPerNodeGroup: 1,
            multiAzEnabled: false,
        };
        expect(messagesOf(check(clusterMode))).to.have.length(1);
    });

    it("does not apply to cluster mode without replicas", () => {
        const clusterMode = {
            numCacheClusters: undefined,
            numNodeGroups: 2,
            replicasPerNodeGroup: 0,
            automaticFailoverEnabled: false,
            multiAzEnabled: false,
        };
        expect(check(clusterMode)).to.deep.equal({ violations: [] });
    });
});

// A replication group's members as ElastiCache names them: pure.
import { expect } from "chai";
import { hasReplicas, memberClusterIds } from "../../../components/redis/group";

describe("a replication group", () => {
    it("member clusters as ElastiCache names them, and which groups have replicas", () => {
        expect(memberClusterIds("prod-membrane", { clusterMode: false, numCacheClusters: 3 })).to.deep.equal([
            "prod-membrane-001",
            "prod-membrane-002",
            "prod-membrane-003",
        ]);
        expect(memberClusterIds("qa-membrane", { clusterMode: true, numNodeGroups: 2, replicasPerNodeGroup: 1 })).to.deep.equal([
            "qa-membrane-0001-001",
            "qa-membrane-0001-002",
            "qa-membrane-0002-001",
            "qa-membrane-0002-002",
        ]);
        expect(hasReplicas({ clusterMode: false, numCacheClusters: 1 })).to.equal(false);
        expect(hasReplicas({ clusterMode: false, numCacheClusters: 2 })).to.equal(true);
        expect(hasReplicas({ clusterMode: true, numNodeGroups: 3, replicasPerNodeGroup: 0 })).to.equal(false);
        expect(hasReplicas({ clusterMode: true, numNodeGroups: 1, replicasPerNodeGroup: 2 })).to.equal(true);
    });
});

import { expect } from "chai";
import { declaredResources } from "../lib/cloudformation";
import {
    DOCUMENTDB_MESSAGE,
    ELASTICACHE_SERVERLESS_MESSAGE,
    noBackDoors,
    noDocumentDb,
    noElastiCacheServerless,
} from "../policies/refused";
import { UNKNOWN_STRING, checkResource, messagesOf } from "./harness";

const ALLOWED_NEIGHBOURS = [
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:elasticache/user:User",
    "aws:elasticache/userGroup:UserGroup",
    "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:dynamodb/table:Table",
    "aws:s3/bucket:Bucket",
    "aws:memorydb/cluster:Cluster",
    "aws-native:elasticache:ReplicationGroup",
    "aws-native:elasticache:CacheCluster",
    "aws-native:rds:DbCluster",
    "mongodbatlas:index/advancedCluster:AdvancedCluster",
    "pulumi:providers:aws",
];

describe("no-elasticache-serverless", () => {
    const blocked = [
        "aws:elasticache/serverlessCache:ServerlessCache",
        "aws:elastiCache/ServerlessCache:ServerlessCache",
        "AWS:ELASTICACHE/SERVERLESSCACHE:SERVERLESSCACHE",
        "aws-native:elasticache:ServerlessCache",
        "aws-native:ElastiCache:ServerlessCache",
        "aws-native:ElastiCache:serverlessCache",
        "aws-native:elasticache:serverlesscache",
    ];
    for (const type of blocked) {
        it(`refuses ${type} with one violation explaining why`, () => {
            const outcome = checkResource(noElastiCacheServerless, { type, props: {} });
            expect(messagesOf(outcome)).to.deep.equal([ELASTICACHE_SERVERLESS_MESSAGE]);
        });
    }

    it("explains the reasons and names the replacement", () => {
        for (const fact of ["cluster mode", "AUTH token", "RBAC", "SELECT", "aws.elasticache.ReplicationGroup"]) {
            expect(ELASTICACHE_SERVERLESS_MESSAGE).to.include(fact);
        }
    });

    for (const type of ALLOWED_NEIGHBOURS) {
        it(`allows ${type}`, () => {
            expect(checkResource(noElastiCacheServerless, { type, props: {} }).violations).to.deep.equal([]);
        });
    }
});

describe("no-documentdb", () => {
    const blocked = [
        "aws:docdb/cluster:Cluster",
        "aws:docdb/clusterInstance:ClusterInstance",
        "aws:docdb/globalCluster:GlobalCluster",
        "aws:docdb/elasticCluster:ElasticCluster",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
        "aws:docdb/subnetGroup:SubnetGroup",
        "aws:docdb/clusterSnapshot:ClusterSnapshot",
        "aws:docdb/eventSubscription:EventSubscription",
        "aws:DocDB/Cluster:Cluster",
        "aws-native:docdb:DbCluster",
        "aws-native:docdb:DBCluster",
        "aws-native:DocDB:DbInstance",
        "aws-native:docdb:DbSubnetGroup",
        "aws-native:docdb:DbClusterParameterGroup",
        "aws-native:docdbelastic:Cluster",
        "aws-native:DocDBElastic:Cluster",
    ];
    for (const type of blocked) {
        it(`refuses ${type} with one violation explaining why`, () => {
            const outcome = checkResource(noDocumentDb, { type, props: {} });
            expect(messagesOf(outcome)).to.deep.equal([DOCUMENTDB_MESSAGE]);
        });
    }

    it("names the supported alternatives", () => {
        expect(DOCUMENTDB_MESSAGE).to.include("MongoDB Atlas").and.to.include("self-hosted MongoDB");
    });

    for (const type of [...ALLOWED_NEIGHBOURS, "aws:dynamodb/globalTable:GlobalTable", "aws:docdbx/foo:Foo"]) {
        it(`allows ${type}`, () => {
            expect(checkResource(noDocumentDb, { type, props: {} }).violations).to.deep.equal([]);
        });
    }
});

const JSON_TEMPLATE = JSON.stringify({
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
        Cache: { Type: "AWS::ElastiCache::ServerlessCache", Properties: { Engine: "redis" } },
        Topic: { Type: "AWS::SNS::Topic" },
    },
});

const YAML_TEMPLATE = `
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Password:
    Type: String
    NoEcho: true
Resources:
  Db:
    Type: AWS::DocDB::DBCluster
    Properties:
      MasterUsername: admin
      MasterUserPassword: !Ref Password
      DBSubnetGroupName: !GetAtt Subnets.Name
  Elastic:
    Type: 'aws::docdbelastic::cluster'
    Properties:
      ClusterName: !Sub "\${AWS::StackName}-elastic"
`;

const HARMLESS_YAML = `
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "\${AWS::StackName}-jobs"
  Group:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      Description: "not AWS::DocDB::DBCluster, only mentioned"
`;

describe("no-back-doors", () => {
    const stackTypes = [
        "aws:cloudformation/stack:Stack",
        "aws:cloudformation/stackSet:StackSet",
        "aws-native:cloudformation:Stack",
        "aws-native:cloudformation:StackSet",
        "aws-native:CloudFormation:stack",
    ];

    for (const type of stackTypes) {
        it(`refuses a ${type} whose JSON template declares a ServerlessCache`, () => {
            const messages = messagesOf(checkResource(noBackDoors, { type, props: { templateBody: JSON_TEMPLATE } }));
            expect(messages).to.deep.equal([
                "The CloudFormation template (resource Cache) creates AWS::ElastiCache::ServerlessCache. " + ELASTICACHE_SERVERLESS_MESSAGE,
            ]);
        });
    }

    it("refuses DocumentDB and DocumentDB Elastic declared in a YAML template with short-form tags", () => {
        const messages = messagesOf(
            checkResource(noBackDoors, {
                type: "aws:cloudformation/stack:Stack",
                props: { templateBody: YAML_TEMPLATE },
            }),
        );
        expect(messages).to.deep.equal([
            `The CloudFormation template (resource Db) creates AWS::DocDB::DBCluster. ${DOCUMENTDB_MESSAGE}`,
            `The CloudFormation template (resource Elastic) creates aws::docdbelastic::cluster. ${DOCUMENTDB_MESSAGE}`,
        ]);
    });

    it("reads a template given as an object (aws-native)", () => {
        const outcome = checkResource(noBackDoors, {
            type: "aws-native:cloudformation:Stack",
            props: { templateBody: { Resources: { Db: { Type: "AWS::DocDB::DBInstance" } } } },
        });
        expect(messagesOf(outcome)).to.have.length(1);
    });

    it("falls back to the text of a template that does not parse", () => {
        const broken = "Resources:\n  Db:\n    Type: AWS::DocDB::DBCluster\n  Db:\n    Type: AWS::SNS::Topic\n";
        const messages = messagesOf(
            checkResource(noBackDoors, {
                type: "aws:cloudformation/stack:Stack",
                props: { templateBody: broken },
            }),
        );
        expect(messages).to.deep.equal([`The CloudFormation template creates AWS::DocDB::DBCluster. ${DOCUMENTDB_MESSAGE}`]);
    });

    it("allows harmless templates, even when a description mentions a refused type", () => {
        for (const templateBody of [HARMLESS_YAML, JSON.stringify({ Resources: { T: { Type: "AWS::SNS::Topic" } } })]) {
            const outcome = checkResource(noBackDoors, { type: "aws:cloudformation/stack:Stack", props: { templateBody } });
            expect(outcome.violations).to.deep.equal([]);
        }
    });

    it("does not read a templateUrl", () => {
        const outcome = checkResource(noBackDoors, {
            type: "aws:cloudformation/stack:Stack",
            props: { templateUrl: "https://example.s3.amazonaws.com/docdb.yaml" },
        });
        expect(outcome).to.deep.equal({ violations: [] });
    });

    it("leaves a template unknown at preview to the SDK's advisory", () => {
        const outcome = checkResource(noBackDoors, {
            type: "aws:cloudformation/stack:Stack",
            props: { templateBody: UNKNOWN_STRING },
        });
        expect(outcome.violations).to.deep.equal([]);
        expect(outcome.unknown).to.match(/templateBody/);
    });

    const cloudControl: Array<[string, string]> = [
        ["aws:cloudcontrol/resource:Resource", "typeName"],
        ["aws-native:index:ExtensionResource", "type"],
    ];
    for (const [type, input] of cloudControl) {
        for (const typeName of ["AWS::DocDB::DBCluster", "AWS::DocDBElastic::Cluster", "aws::elasticache::serverlesscache"]) {
            it(`refuses ${type} with ${input} ${typeName}`, () => {
                const messages = messagesOf(checkResource(noBackDoors, { type, props: { [input]: typeName } }));
                expect(messages).to.have.length(1);
                expect(messages[0]).to.match(new RegExp(`^The Cloud Control resource creates ${typeName}\\. Membrane cannot use`));
            });
        }
        for (const typeName of ["AWS::ElastiCache::ReplicationGroup", "AWS::RDS::DBCluster", "AWS::ECS::Cluster"]) {
            it(`allows ${type} with ${input} ${typeName}`, () => {
                expect(checkResource(noBackDoors, { type, props: { [input]: typeName } }).violations).to.deep.equal([]);
            });
        }
    }

    it("ignores a typeName-like input on unrelated resources", () => {
        const outcome = checkResource(noBackDoors, { type: "aws:ssm/document:Document", props: { type: "AWS::DocDB::DBCluster" } });
        expect(outcome.violations).to.deep.equal([]);
    });
});

describe("declaredResources", () => {
    it("lists logical ids and types from JSON and YAML", () => {
        expect(declaredResources(JSON_TEMPLATE)).to.deep.equal([
            { logicalId: "Cache", type: "AWS::ElastiCache::ServerlessCache" },
            { logicalId: "Topic", type: "AWS::SNS::Topic" },
        ]);
        expect(declaredResources(YAML_TEMPLATE).map((r) => r.logicalId)).to.deep.equal(["Db", "Elastic"]);
    });

    it("returns nothing for templates without resources", () => {
        expect(declaredResources("")).to.deep.equal([]);
        expect(declaredResources("{}")).to.deep.equal([]);
        expect(declaredResources(undefined)).to.deep.equal([]);
    });
});

#!/usr/bin/env node
// Writes data/cfn-spec.json: the part of the AWS CloudFormation resource specification
// (npm package @aws-cdk/aws-service-spec, pinned in package.json) that src/cfn/spec.cc
// validates templates against. Only facts from the spec go in; the output has sorted
// keys and no timestamps, so running this again gives the same bytes.
//
// Usage: node generate.js OUT.json   (or `make spec` at the repository root)
'use strict';

const fs = require('fs');
const path = require('path');
const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec');

// The resource types the blueprint emits, plus the ones a module is likely to add.
// A template using a type outside this list fails validation with a pointer here.
const TYPES = [
  // networking (aws-facts 1.1)
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::EIP',
  'AWS::EC2::NatGateway', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::NetworkInterface', 'AWS::EC2::LaunchTemplate',
  'AWS::EC2::Instance', 'AWS::EC2::VPCEndpoint', 'AWS::EC2::EgressOnlyInternetGateway',
  'AWS::EC2::FlowLog', 'AWS::EC2::NetworkInterfaceAttachment',
  'AWS::AutoScaling::AutoScalingGroup',
  // identity
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile',
  'AWS::IAM::OIDCProvider',
  // registry and compute
  'AWS::ECR::Repository',
  'AWS::AppRunner::Service', 'AWS::AppRunner::VpcConnector', 'AWS::AppRunner::AutoScalingConfiguration',
  'AWS::AppRunner::ObservabilityConfiguration', 'AWS::AppRunner::VpcIngressConnection',
  'AWS::ECS::ExpressGatewayService', 'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service',
  'AWS::Lambda::Function', 'AWS::Lambda::Permission',
  // database and secrets
  'AWS::RDS::DBInstance', 'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBParameterGroup',
  'AWS::SecretsManager::Secret', 'AWS::SecretsManager::RotationSchedule', 'AWS::SSM::Parameter',
  'AWS::KMS::Key', 'AWS::KMS::Alias',
  // edge
  'AWS::WAFv2::WebACL', 'AWS::WAFv2::WebACLAssociation', 'AWS::WAFv2::IPSet', 'AWS::WAFv2::LoggingConfiguration',
  'AWS::CloudFront::Distribution', 'AWS::CloudFront::VpcOrigin', 'AWS::CloudFront::OriginRequestPolicy', 'AWS::CloudFront::CachePolicy',
  'AWS::CloudFront::ResponseHeadersPolicy', 'AWS::CertificateManager::Certificate',
  'AWS::Route53::RecordSet',
  // monitoring, alerting, cost, backup
  'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm', 'AWS::CloudWatch::Dashboard',
  'AWS::Logs::LogGroup', 'AWS::Logs::MetricFilter', 'AWS::Logs::ResourcePolicy',
  'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy',
  'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
  'AWS::Budgets::Budget', 'AWS::CE::AnomalyMonitor', 'AWS::CE::AnomalySubscription',
  'AWS::Backup::BackupVault', 'AWS::Backup::BackupPlan', 'AWS::Backup::BackupSelection',
  'AWS::Events::Rule',
  'AWS::S3::Bucket', 'AWS::S3::BucketPolicy',
];

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'json', 'date-time', 'null', 'tag']);

function main() {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node generate.js OUT.json');
    process.exit(2);
  }
  const db = loadAwsServiceSpecSync();
  const version = require('@aws-cdk/aws-service-spec/package.json').version;

  // Nested property types are named "<ResourceType>.<TypeName>", as in the old
  // CloudFormation resource specification.
  const typeNames = new Map();  // typeDefinition $id -> qualified name
  const resources = {};
  const types = {};
  const pending = [];

  const lookup = (cfnType) => {
    const found = db.lookup('resource', 'cloudFormationType', 'equals', cfnType);
    if (found.length !== 1) throw new Error(`${cfnType}: ${found.length} entries in the spec`);
    return found[0];
  };

  for (const cfnType of [...TYPES].sort()) {
    const r = lookup(cfnType);
    for (const { entity } of db.follow('usesType', r)) {
      if (!typeNames.has(entity.$id)) {
        typeNames.set(entity.$id, `${cfnType}.${entity.name}`);
        pending.push(entity);
      }
    }
  }

  const encodeType = (t) => {
    switch (t.type) {
      case 'array': return { list: encodeType(t.element) };
      case 'map': return { map: encodeType(t.element) };
      case 'union': return { union: t.types.map(encodeType) };
      case 'ref': {
        const name = typeNames.get(t.reference.$ref);
        if (!name) throw new Error(`unresolved type reference ${t.reference.$ref}`);
        return name;
      }
      default:
        if (!PRIMITIVES.has(t.type)) throw new Error(`unknown primitive ${t.type}`);
        return t.type;
    }
  };

  // Allowed values live on the string/integer type (directly or as a list's element).
  const allowedValues = (t) => {
    if ((t.type === 'string' || t.type === 'integer') && t.allowedValues) return t.allowedValues;
    if (t.type === 'array') return allowedValues(t.element);
    return undefined;
  };

  const encodeProperties = (props) => {
    const outProps = {};
    for (const [name, p] of Object.entries(props)) {
      if (p.deprecated === 'IGNORE') continue;
      const e = { type: encodeType(p.type) };
      if (p.required) e.required = true;
      if (p.causesReplacement === 'yes') e.replaces = 'always';
      if (p.causesReplacement === 'maybe') e.replaces = 'conditional';
      const allowed = allowedValues(p.type);
      if (allowed) {
        const numeric = allowed.every((a) => typeof a === 'number');
        e.allowed = [...allowed].sort(numeric ? (a, b) => a - b : undefined).map(String);
      }
      outProps[name] = e;
    }
    return outProps;
  };

  for (const cfnType of TYPES) {
    const r = lookup(cfnType);
    const e = { properties: encodeProperties(r.properties), attributes: {} };
    for (const [name, a] of Object.entries(r.attributes)) e.attributes[name] = encodeType(a.type);
    if (r.tagInformation) e.tags = { property: r.tagInformation.tagPropertyName, variant: r.tagInformation.variant };
    if (r.additionalReplacementProperties && r.additionalReplacementProperties.length)
      e.replacement_paths = [...new Set(r.additionalReplacementProperties.map((p) => p.join('.')))].sort();
    resources[cfnType] = e;
  }
  for (const t of pending) types[typeNames.get(t.$id)] = { properties: encodeProperties(t.properties) };

  const doc = {
    source: {
      package: '@aws-cdk/aws-service-spec',
      version,
      generator: 'tools/spec-gen/generate.js',
    },
    // Every resource type the spec knows, so an unknown type gets a suggestion and a
    // known one outside the subset gets a pointer to TYPES above.
    all_resource_types: db.all('resource').map((r) => r.cloudFormationType).sort(),
    resources,
    property_types: types,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, stringifySorted(doc) + '\n');
  console.log(`spec-gen: wrote ${out} (${Object.keys(resources).length} resource types, ` +
              `${Object.keys(types).length} property types, spec ${version})`);
}

// JSON with sorted object keys (arrays keep their order), one-space indentation.
function stringifySorted(value) {
  const sort = (v) => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      const o = {};
      for (const k of Object.keys(v).sort()) o[k] = sort(v[k]);
      return o;
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 1);
}

main();
